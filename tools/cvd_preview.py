"""Colour-vision-deficiency previews of a PNG (numpy only), and the colour maths the tests share.

    python -m tools.cvd_preview build/figs/09_norms.png [more.png ...] [--out build/cvd]

writes, for each PNG, ``NAME.protanopia.png``, ``NAME.deuteranopia.png`` and
``NAME.tritanopia.png`` into ``build/cvd/``, and ``NAME.cvd.png``: all four in one 2 × 2 sheet,
to look at in one go (top left the original, top right protanopia, bottom left deuteranopia,
bottom right tritanopia).

The simulation is Machado, Oliveira & Fernandes (2009), "A physiologically-based model for
simulation of color vision deficiency", IEEE TVCG 15(6), at severity 1.0 (dichromacy, the
strongest case), applied in linear RGB: sRGB is decoded to linear light, multiplied by the
3 × 3 matrix, clipped and encoded again.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np

# Machado et al. (2009), severity 1.0, for linear RGB (rows give the simulated R, G, B).
MACHADO_2009 = {
    "protanopia": np.array([[0.152286, 1.052583, -0.204868],
                            [0.114503, 0.786281, 0.099216],
                            [-0.003882, -0.048116, 1.051998]]),
    "deuteranopia": np.array([[0.367322, 0.860646, -0.227968],
                              [0.280085, 0.672501, 0.047413],
                              [-0.011820, 0.042940, 0.968881]]),
    "tritanopia": np.array([[1.255528, -0.076749, -0.178779],
                            [-0.078411, 0.930809, 0.147602],
                            [0.004733, 0.691367, 0.303900]]),
}


def hex_to_rgb(colour: str) -> np.ndarray:
    """'#1f6fb4' -> array([r, g, b]) in [0, 1] (sRGB-encoded)."""
    text = colour.lstrip("#")
    if len(text) != 6:
        raise ValueError(f"expected a colour #rrggbb, got {colour!r}")
    return np.array([int(text[i:i + 2], 16) for i in (0, 2, 4)], dtype=np.float64) / 255


def to_linear(srgb: np.ndarray) -> np.ndarray:
    """sRGB-encoded values in [0, 1] -> linear light (IEC 61966-2-1)."""
    srgb = np.asarray(srgb, dtype=np.float64)
    return np.where(srgb <= 0.04045, srgb / 12.92, ((srgb + 0.055) / 1.055) ** 2.4)


def to_srgb(linear: np.ndarray) -> np.ndarray:
    """Linear light in [0, 1] -> sRGB-encoded values."""
    linear = np.clip(np.asarray(linear, dtype=np.float64), 0.0, 1.0)
    return np.where(linear <= 0.0031308, 12.92 * linear, 1.055 * linear ** (1 / 2.4) - 0.055)


def simulate(srgb: np.ndarray, kind: str) -> np.ndarray:
    """``srgb`` (..., 3) in [0, 1] as seen with ``kind`` ('protanopia', ...); same shape."""
    matrix = MACHADO_2009[kind]
    return to_srgb(to_linear(srgb) @ matrix.T)


def relative_luminance(srgb: np.ndarray) -> np.ndarray:
    """WCAG 2.1 relative luminance of sRGB colours (..., 3)."""
    return to_linear(srgb) @ np.array([0.2126, 0.7152, 0.0722])


def contrast(a: np.ndarray, b: np.ndarray) -> float:
    """WCAG 2.1 contrast ratio of two sRGB colours, 1 to 21."""
    la, lb = float(relative_luminance(a)), float(relative_luminance(b))
    return (max(la, lb) + 0.05) / (min(la, lb) + 0.05)


def to_lab(srgb: np.ndarray) -> np.ndarray:
    """sRGB (..., 3) -> CIELAB (D65 white)."""
    xyz = to_linear(srgb) @ np.array([[0.4124564, 0.3575761, 0.1804375],
                                      [0.2126729, 0.7151522, 0.0721750],
                                      [0.0193339, 0.1191920, 0.9503041]]).T
    xyz = xyz / np.array([0.95047, 1.0, 1.08883])
    f = np.where(xyz > (6 / 29) ** 3, np.cbrt(xyz), xyz / (3 * (6 / 29) ** 2) + 4 / 29)
    return np.stack([116 * f[..., 1] - 16, 500 * (f[..., 0] - f[..., 1]),
                     200 * (f[..., 1] - f[..., 2])], axis=-1)


def delta_e(a: np.ndarray, b: np.ndarray) -> float:
    """CIE76 colour difference ΔE*ab of two sRGB colours (Euclidean distance in CIELAB)."""
    return float(np.linalg.norm(to_lab(a) - to_lab(b)))


def previews(path: Path, out_dir: Path) -> list[Path]:
    """Write the three simulations of PNG ``path`` and a 2 × 2 sheet; return the files written."""
    import matplotlib.image as mpimg

    image = mpimg.imread(path)
    if image.dtype != np.float32 and image.dtype != np.float64:   # 8-bit PNGs read as uint8
        image = image.astype(np.float64) / 255
    rgb, alpha = image[..., :3], (image[..., 3:] if image.shape[-1] == 4 else None)
    if alpha is not None:       # composite on white, as the notebook shows it
        rgb = rgb * alpha + (1 - alpha)
    out_dir.mkdir(parents=True, exist_ok=True)
    written, panels = [], [rgb]
    for kind in MACHADO_2009:
        simulated = simulate(rgb, kind)
        panels.append(simulated)
        target = out_dir / f"{path.stem}.{kind}.png"
        mpimg.imsave(target, simulated)
        written.append(target)
    gap = np.ones((rgb.shape[0], 8, 3))
    sheet = np.concatenate([np.concatenate([panels[0], gap, panels[1]], axis=1),
                            np.ones((8, 2 * rgb.shape[1] + 8, 3)),
                            np.concatenate([panels[2], gap, panels[3]], axis=1)], axis=0)
    target = out_dir / f"{path.stem}.cvd.png"
    mpimg.imsave(target, np.clip(sheet, 0, 1))
    written.append(target)
    return written


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tools.cvd_preview", description=__doc__.split("\n")[0])
    parser.add_argument("pngs", nargs="+", type=Path)
    parser.add_argument("--out", type=Path, default=Path("build/cvd"))
    args = parser.parse_args(argv)
    for png in args.pngs:
        for written in previews(png, args.out):
            print(written)
    return 0


if __name__ == "__main__":
    sys.exit(main())
