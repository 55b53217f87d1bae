"""Teaching aids for particular chapters: what a notebook shows beyond the model's own equations.

Each module serves the notebooks named here and builds on the model at the top of the package
(``forward_pass``, ``grads_as_written``, ``grads_fast``, ``gradcheck``, ...), never the other way:

- ``cache``: what the forward pass keeps and what the backward pass reads of it (§2, notebook 02);
- ``jacobians``: the softmax Jacobian (§3.1, notebook 03) and one step back through tanh,
  eq (3.7) (notebooks 04 and 09);
- ``contributions``: a shared parameter as τ copies, one per step, and each copy's term of the
  sum (§3.3–3.7, notebooks 05 and 06);
- ``embedding_views``: the embedding gradient as a triple sum, a tensor and an unfolded matrix
  (§3.8, Remark 3.22, notebook 07);
- ``long_range``: products of Jacobians, spectral radius, vanishing and exploding (notebook 09);
- ``tasks``: the remember-the-first-token task (notebooks 09 and 10);
- ``truncated``: truncated BPTT and the training loop for it (notebook 10);
- ``summary``: the nine equations of §4 beside the functions that implement them (notebook 08);
- ``errata``: every typo of the paper with the numerical check that settles it (notebook 11).

Import them by name, e.g. ``from bptt_helpers.lessons import long_range as lr``.
"""
