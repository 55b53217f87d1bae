"""The checkers of notebooks 09 and 10 accept right answers and reject the usual wrong ones."""

from __future__ import annotations

import numpy as np

import bptt_helpers as bh
from bptt_helpers.exercises.long_range import check_clip_grad_norm, check_jacobian_factor


def test_jacobian_factor_checker():
    assert check_jacobian_factor(lambda h, W: np.diag(1 - h**2) @ W)
    assert check_jacobian_factor(lambda h, W: (1 - h**2)[:, None] * W)
    column = check_jacobian_factor(lambda h, W: W * (1 - h**2))
    assert not column and "columns" in column.message
    assert not check_jacobian_factor(lambda h, W: (1 - h) ** 2 * W)
    assert not check_jacobian_factor(lambda h, W: W)
    shape = check_jacobian_factor(lambda h, W: 1 - h**2)
    assert not shape and "shape" in shape.message


def test_jacobian_factor_placeholder_and_crash():
    def placeholder(h, W):
        raise NotImplementedError("write diag[1 - h^2] W")

    result = check_jacobian_factor(placeholder)
    assert not result and "not implemented yet" in result.message

    def crash(h, W):
        return h @ np.ones((2, 2))

    result = check_jacobian_factor(crash)
    assert not result and "raised ValueError" in result.message


def _global(grads, max_norm):
    norm = np.sqrt(sum(np.sum(g**2) for _, g in grads.items()))
    if norm <= max_norm:
        return grads
    return bh.Params(**{n: g * (max_norm / norm) for n, g in grads.items()})


def test_clip_grad_norm_checker():
    assert check_clip_grad_norm(_global)
    assert check_clip_grad_norm(lambda g, m: bh.clip_grad_norm(g, m)[0])

    def per_tensor(grads, max_norm):
        out = {}
        for name, g in grads.items():
            n = np.linalg.norm(g)
            out[name] = g * (max_norm / n) if n > max_norm else g
        return bh.Params(**out)

    assert not check_clip_grad_norm(per_tensor)
    assert not check_clip_grad_norm(lambda g, m: bh.clip_grad_value(g, m))

    def always_scale(grads, max_norm):  # scales up small gradients too
        norm = np.sqrt(sum(np.sum(g**2) for _, g in grads.items()))
        return bh.Params(**{n: g * (max_norm / norm) for n, g in grads.items()})

    assert not check_clip_grad_norm(always_scale)
    assert not check_clip_grad_norm(lambda g, m: g)  # never clips
    wrong_type = check_clip_grad_norm(lambda g, m: g.as_dict())
    assert not wrong_type and "Params" in wrong_type.message


def test_clip_grad_norm_placeholder_and_no_mutation():
    def placeholder(grads, max_norm):
        raise NotImplementedError("hint")

    assert "not implemented yet" in check_clip_grad_norm(placeholder).message

    def in_place(grads, max_norm):  # right numbers, but scales the caller's arrays
        norm = np.sqrt(sum(np.sum(g**2) for _, g in grads.items()))
        if norm > max_norm:
            for _, g in grads.items():
                g *= max_norm / norm
        return grads

    result = check_clip_grad_norm(in_place)
    assert not result and "changed the gradients passed in" in result.message

    def in_place_copy_returned(grads, max_norm):  # returns new arrays but also zeroes the input
        out = bh.clip_grad_norm(grads, max_norm)[0].copy()
        grads.E[...] = 0.0
        return out

    result = check_clip_grad_norm(in_place_copy_returned)
    assert not result and "changed the gradients passed in" in result.message


def test_clip_grad_norm_per_tensor_diagnosis():
    def per_tensor(grads, max_norm):
        return bh.Params(**{n: g * min(1.0, max_norm / np.linalg.norm(g)) for n, g in grads.items()})

    result = check_clip_grad_norm(per_tensor)
    assert not result and "its own norm" in result.message and "ONE long vector" in result.message
