"""The notebook-00 warm-up checker accepts diag(v) M and rejects the column reading."""

import numpy as np

from bptt_helpers.exercises.notation import check_scale_rows


def test_accepts_row_scaling():
    assert check_scale_rows(lambda v, M: v[:, None] * M)
    assert check_scale_rows(lambda v, M: np.diag(v) @ M)


def test_rejects_column_scaling_with_its_own_hint():
    result = check_scale_rows(lambda v, M: v * M if M.shape[0] == M.shape[1] else M * v[:, None])
    assert not result and "columns" in result.message


def test_rejects_placeholder_and_crash():
    def placeholder(v, M):
        raise NotImplementedError("hint")

    result = check_scale_rows(placeholder)
    assert not result and "not implemented" in result.message
    assert not check_scale_rows(lambda v, M: 1 / 0)
    assert not check_scale_rows(lambda v, M: M)
