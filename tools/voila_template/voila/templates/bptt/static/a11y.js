(function () {
  var ICONS = {'fa-play': 'Play', 'fa-pause': 'Pause', 'fa-stop': 'Stop', 'fa-retweet': 'Repeat',
               'fa-repeat': 'Repeat'};
  function set(el, name, value) { if (el.getAttribute(name) !== value) el.setAttribute(name, value); }
  function nameControls() {
    document.querySelectorAll('.widget-play button').forEach(function (button) {
      var icon = button.querySelector('i, .fa'), name = null;
      if (!icon) return;
      set(icon, 'aria-hidden', 'true');
      Object.keys(ICONS).forEach(function (cls) { if (icon.classList.contains(cls)) name = ICONS[cls]; });
      if (!name) return;
      set(button, 'aria-label', name);
      set(button, 'title', name);
      if (name === 'Repeat') set(button, 'aria-pressed', String(button.classList.contains('mod-active')));
    });
    document.querySelectorAll('.noUi-handle').forEach(function (handle) {
      var slider = handle.closest('.widget-slider, .widget-hslider, .widget-vslider');
      var label = slider && slider.querySelector('.widget-label');
      var name = (label && label.textContent.trim()) || 'Slider';
      if (slider && slider.querySelectorAll('.noUi-handle').length > 1)
        name += handle.classList.contains('noUi-handle-upper') ? ' (upper)' : ' (lower)';
      set(handle, 'aria-label', name);
      // a SelectionSlider's handle says its index ("3"); the readout beside it says the step
      var readout = slider && slider.querySelector('.widget-readout');
      var text = readout && readout.textContent.trim();
      if (text && slider.querySelectorAll('.noUi-handle').length === 1) set(handle, 'aria-valuetext', text);
    });
  }
  // Voilà: JupyterLab's image renderer writes no alt; the template puts the figure's text
  // alternative (the output's metadata) in a hidden span beside the output: copy it onto the img.
  function altTexts() {
    document.querySelectorAll('.bptt-img-alt[data-alt]').forEach(function (marker) {
      var parent = marker.parentElement, img = parent && parent.querySelector('img');
      if (img && !img.hasAttribute('alt')) img.setAttribute('alt', marker.getAttribute('data-alt'));
    });
  }
  // Each stepper gets one polite live region (role=status, drawn off-screen) that says, when the
  // frame on show changes, that frame's first readout line ("step t = 3 of τ = 12"): the new step
  // in a few words, not the whole panel again. Empty until the first change, so a page that just
  // loaded says nothing.
  function summary(frame) {
    var pre = frame.querySelector('.bptt-readout, pre'), svg = frame.querySelector('svg');
    var first = pre ? (pre.textContent.split('\n').filter(function (l) { return l.trim(); })[0] || '') : '';
    var text = first.trim() || (svg && svg.getAttribute('aria-label')) || '';
    var step = frame.getAttribute('data-step') || '';
    return text.indexOf(step) >= 0 ? text : ('step ' + step + ': ' + text).trim();
  }
  function announce() {
    document.querySelectorAll('.bptt-stepper').forEach(function (stepper) {
      var region = stepper.querySelector(':scope > .bptt-announce');
      if (!region) {
        region = document.createElement('div');
        region.className = 'bptt-announce';
        region.setAttribute('role', 'status');
        region.setAttribute('aria-live', 'polite');
        region.setAttribute('aria-atomic', 'true');
        stepper.appendChild(region);
      }
      var shown = Array.prototype.filter.call(stepper.querySelectorAll('.bptt-frame'),
        function (f) { return f.getClientRects().length > 0; });
      if (shown.length !== 1) return;
      var step = shown[0].getAttribute('data-step');
      if (region.dataset.step === undefined) { region.dataset.step = step; return; }
      if (region.dataset.step === step) return;
      region.dataset.step = step;
      region.textContent = summary(shown[0]);
    });
  }
  var queued = false;
  function update() {
    queued = false;
    nameControls();
    altTexts();
    announce();
  }
  update();
  // after each burst of changes, once the browser has laid them out (a frame's visibility)
  new MutationObserver(function () {
    if (!queued) { queued = true; requestAnimationFrame(update); }
  }).observe(document.documentElement, {
    childList: true, subtree: true, attributes: true, attributeFilter: ['class', 'style', 'aria-valuetext']});
})();
