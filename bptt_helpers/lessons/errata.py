"""Slips and ambiguities of the paper, each with the numerical check that settles it.

Every entry says what the paper prints, what is meant, and where the series
discusses it. Three kinds: a *slip* whose literal reading computes a wrong number;
an *ambiguity*, where the paper's wording allows two readings, one right and one
wrong (the entry says both and why the wording allows both); and a slip of
*notation*, with no second numerical reading. Its ``check()`` builds a small model
whose input repeats tokens, computes the quantity both ways, and measures each
against central finite differences (or against the package's forward pass): the
relative error of the wrong reading (the literal one of a slip, the other one of an
ambiguity; ``None`` for notation) and of the right one.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from .. import grads_fast
from ..forward_pass import forward, preactivation
from ..gradcheck import compare_grads, numerical_grad, verdict
from ..params import init_params


@dataclass
class ErratumCheck:
    what: str
    rel_err_as_printed: float | None   # the wrong reading: the literal one, or an ambiguity's other one
    rel_err_corrected: float           # the right reading


@dataclass
class Erratum:
    key: str
    where: str          # section / equation of the paper
    paper_says: str
    correction: str     # what is meant; for an ambiguity, the reading that computes the right number
    notebook: str       # where the series shows it
    check: Callable[[], ErratumCheck]
    other_reading: str | None = None   # an ambiguity: the reading that computes a wrong number
    why_both: str | None = None        # an ambiguity: why the paper's wording allows both

    @property
    def kind(self) -> str:
        """``"ambiguity"`` (two fair readings), ``"slip"`` or ``"notation"`` (decided by its check)."""
        return "ambiguity" if self.other_reading is not None else "slip"


def _setup(seed: int = 0):
    """A small float64 model and a sequence that reads token 1 three times."""
    params = init_params(vocab_size=5, d_model=3, n_hidden=4, seed=seed)
    inputs = np.array([1, 2, 1, 3, 1, 0])
    targets = np.array([2, 1, 3, 1, 0, 4])
    h0 = np.linspace(-0.5, 0.5, 4)
    cache = forward(params, inputs, targets, h0)
    do = grads_fast.dlogits(cache)
    dh = grads_fast.dhidden(params, cache, do)
    return params, inputs, targets, h0, cache, do, dh


def _rel(a, b) -> float:
    return compare_grads({"g": a}, {"g": b}).max_rel_err


def _check_sign_in_3_3() -> ErratumCheck:
    params, inputs, targets, h0, cache, _, _ = _setup()
    numeric = numerical_grad(params, inputs, targets, h0, "o")
    tau, y_hat, y = cache.T, cache.y_hat, cache.targets
    printed, corrected = np.zeros_like(y_hat), np.zeros_like(y_hat)
    for t in range(tau):
        p_y = y_hat[t, y[t]]
        for i in range(y_hat.shape[1]):
            if i == y[t]:  # case (3.2), printed correctly
                printed[t, i] = corrected[t, i] = -(1 / tau) * (1 / p_y) * (p_y - p_y**2)
            else:  # case (3.3): (DL^(t))_(ŷ_y) = -1/ŷ_y and (Dŷ_y)_(o_i) = -ŷ_y ŷ_i
                printed[t, i] = -(1 / tau) * (1 / p_y) * (p_y * y_hat[t, i])
                corrected[t, i] = -(1 / tau) * (1 / p_y) * (-p_y * y_hat[t, i])
    return ErratumCheck("dL/do for i ≠ y from the middle of (3.3), with and without the sign",
                        _rel(printed, numeric), _rel(corrected, numeric))


def _check_broadcast_in_4_3() -> ErratumCheck:
    params, inputs, targets, h0, cache, do, _ = _setup()
    numeric = numerical_grad(params, inputs, targets, h0, "h")
    readings = {}
    for name, as_column in (("row", False), ("column", True)):
        dh = np.zeros_like(cache.a)
        dh[-1] = do[-1] @ params.V
        for t in range(cache.T - 1, 0, -1):
            factor = 1 - cache.h[t + 1] ** 2
            scaled = factor[:, None] * params.W if as_column else factor * params.W
            dh[t - 1] = dh[t] @ scaled + do[t - 1] @ params.V
        readings[name] = _rel(dh, numeric)
    return ErratumCheck("dL/dh by (4.3): plain 1-D broadcast vs [1 - h^2] as a column",
                        readings["row"], readings["column"])


def _check_square_before_3_16() -> ErratumCheck:
    params, inputs, targets, h0, cache, _, dh = _setup()
    numeric = numerical_grad(params, inputs, targets, h0, "W")
    h_next, h_prev = cache.h[1:], cache.h[:-1]
    printed = (dh * (1 - h_next) ** 2).T @ h_prev
    corrected = (dh * (1 - h_next**2)).T @ h_prev
    return ErratumCheck("dL/dW with (1 - h)^2 vs 1 - h^2", _rel(printed, numeric),
                        _rel(corrected, numeric))


def _check_index_in_3_6() -> ErratumCheck:
    params, _, _, _, cache, _, _ = _setup()
    h_prev, x = cache.h[0], cache.x[0]
    a1 = preactivation(h_prev, x, params.W, params.U, params.b)
    rest = x @ params.U.T + params.b
    n = len(h_prev)
    printed = np.array([sum(params.W[i, j] * h_prev[i] for i in range(n)) for j in range(n)]) + rest
    corrected = np.array([sum(params.W[i, j] * h_prev[j] for j in range(n)) for i in range(n)]) + rest
    return ErratumCheck("a^(1) from Σ_i W_ij h_i vs Σ_j W_ij h_j, against eq (1.4)",
                        _rel(printed, a1), _rel(corrected, a1))


def _check_repeated_tokens_3_21() -> ErratumCheck:
    params, inputs, targets, h0, cache, _, dh = _setup()
    numeric = numerical_grad(params, inputs, targets, h0, "E")
    rows = (dh * cache.dtanh) @ params.U
    printed = np.zeros_like(params.E)
    printed[inputs] = rows            # "row i equals the term of the x^(t) it corresponds to"
    corrected = np.zeros_like(params.E)
    np.add.at(corrected, inputs, rows)  # the sum over every t that reads token i, eq (3.21)
    return ErratumCheck("dL/dE: one term per token row vs the sum over its uses",
                        _rel(printed, numeric), _rel(corrected, numeric))


def _check_unfolded_shape_3_22() -> ErratumCheck:
    params, inputs, targets, h0, cache, _, dh = _setup()
    numeric = numerical_grad(params, inputs, targets, h0, "E")
    vocab, d_model = params.E.shape
    rows = (dh * cache.dtanh) @ params.U                 # (DL)_x(t), one row per step
    printed, corrected = np.zeros_like(params.E), np.zeros_like(params.E)
    for t, token in enumerate(inputs):
        jacobian = np.zeros((d_model, vocab * d_model))  # x(t) = the d_model entries of row `token`
        jacobian[:, token * d_model:(token + 1) * d_model] = np.eye(d_model)
        flat = rows[t] @ jacobian                        # (DL)_e(t), V·d_model numbers
        printed += flat.reshape(d_model, vocab).T        # read as a d_model × V matrix, then E's shape
        corrected += flat.reshape(vocab, d_model)        # V pieces of d_model, stacked: E's rows
    return ErratumCheck("dL/dE by Remark 3.22: fold read as d_model × V vs V pieces of d_model",
                        _rel(printed, numeric), _rel(corrected, numeric))


_EQUATION_OF = {"V": "4.6", "W": "4.7", "U": "4.8", "b": "4.5", "E": "4.9"}


def _notational(name: str, grad_fn) -> Callable[[], ErratumCheck]:
    """A slip with no other numerical reading: check the result the paper derives from it."""
    def check() -> ErratumCheck:
        params, inputs, targets, h0, cache, do, dh = _setup()
        numeric = numerical_grad(params, inputs, targets, h0, name)
        return ErratumCheck(f"the result (eq {_EQUATION_OF[name]}) against finite differences",
                            None, _rel(grad_fn(params, cache, do, dh), numeric))
    return check


ERRATA = [
    Erratum("sign-3.3", "§3.1, the middle of eq (3.3)",
            "-(1/τ) (1/ŷ_y) (ŷ_y ŷ_i) = (1/τ) ŷ_i",
            "the softmax Jacobian entry is (Dŷ_y)_(o_i) = -ŷ_y ŷ_i for i ≠ y, so the middle "
            "expression is -(1/τ)(1/ŷ_y)(-ŷ_y ŷ_i); as printed it equals -ŷ_i/τ, not the (right) "
            "final result +ŷ_i/τ",
            "03_logits.ipynb", _check_sign_in_3_3),
    Erratum("broadcast-4.3", "§3.2, eqs (3.8) and (4.3)",
            "(DL)_h(t+1) ([1 - (h(t+1))^2] ⊙ W); §3: 'All one dimensional vectors are viewed as row "
            "vectors' and '... the Hadamard product of a column vector and matrix – in all such cases, "
            "the operation intended is given by applying PyTorch broadcasting rules'",
            "read [1 - (h(t+1))^2] as the column vector of §3's broadcasting sentence: ⊙ scales the "
            "rows of W, "
            "diag[1 - (h(t+1))^2] W, as in (3.7) and the first line of (3.8); in code "
            "(1 - h**2)[:, None] * W",
            "04_hidden_states.ipynb", _check_broadcast_in_4_3,
            other_reading="read [1 - (h(t+1))^2] as a row, as §3 makes every 1-D vector: PyTorch "
            "broadcasts it along the last axis and scales the columns of W, W diag[1 - (h(t+1))^2], "
            "a wrong gradient",
            why_both="§3 states both rules and (4.3) does not say which vector is the column one; "
            "the first line of (3.8), diag[...] W, shows which reading is meant"),
    Erratum("square-3.16", "§3.6, text before (3.16)",
            "[(DL)_h(t+1) ⊙ (1 - h(t+1))^2] ⊗ h(t)",
            "[(DL)_h(t+1) ⊙ (1 - (h(t+1))^2)] ⊗ h(t): the square belongs to h, as in (3.16)",
            "06_weight_matrices.ipynb", _check_square_before_3_16),
    Erratum("index-3.6", "§3.6, before the matrix (Da_i^(t+1))_W",
            "a_i^(t+1) = Σ_i W_ij h_i^(t)",
            "a_i^(t+1) = Σ_j W_ij h_j^(t) (+ the x U^T + b terms): the sum runs over j",
            "06_weight_matrices.ipynb", _check_index_in_3_6),
    Erratum("repeats-3.21", "§3.8, the words after (3.20)",
            "row i of (DL)_E equals [(DL)_h(t) ⊙ (1 - (h(t))^2)] U if i is the row of some x(t)",
            "row i is the SUM of those terms over every t whose token is i; formula (3.21), with "
            "its Σ_t, is right, the sentence is wrong whenever a token repeats",
            "07_embedding_table.ipynb", _check_repeated_tokens_3_21),
    Erratum("shape-3.22", "§3.8, Remark 3.22",
            "E(t), a V × d_model matrix, 'may be viewed as a vector e(t) in ℝ^(d_model × V)'; its "
            "Jacobian is 'a d_model × (d_model × V) matrix'",
            "read d_model × V as a count: e(t) is a flat vector of V·d_model numbers, row i of E in "
            "entries i·d_model … (i+1)·d_model - 1, and the fold stacks V pieces of d_model, as the "
            "remark says in words",
            "07_embedding_table.ipynb", _check_unfolded_shape_3_22,
            other_reading="read ℝ^(d_model × V) as d_model × V matrices, the shape of E^T: a fold "
            "into that shape (then transposed) puts numbers in the wrong entries of (DL)_E",
            why_both="ℝ^(m × n) usually names matrices, but the remark calls e(t) a vector, counts "
            "the Jacobian's width as (d_model × V) and describes the right fold in words"),
    Erratum("outer-3.14", "§3.5, (3.13) to (3.14)",
            "o_i^(t) = Σ_j v_ij h_j^(t), and the outer product (DL)_(o_i^(t)) ⊗ h^(t)",
            "o_i^(t) = Σ_j v_ij h_j^(t) + c_i (harmless for the derivative), and "
            "(DL)_(o^(t)) ⊗ h^(t): the whole row vector, not its i-th entry",
            "06_weight_matrices.ipynb", _notational("V", lambda p, c, do, dh: grads_fast.dV(c, do))),
    Erratum("diag-3.15", "§3.6, third line of (3.15)",
            "(DL)_(h_i^(t+1)) diag[1 - (h^(t+1))^2] (Da_i^(t+1))_W, inside a sum over i",
            "for one component i the factor is the scalar 1 - (h_i^(t+1))^2, not a diagonal matrix",
            "06_weight_matrices.ipynb", _notational("W", lambda p, c, do, dh: grads_fast.dW(c, dh))),
    Erratum("subscript-3.17", "§3.7, eq (3.17)",
            "(DL)_U = Σ_t (DL)_t = Σ_t Σ_i (DL)_(h_i^(t)) (Dh^(t))_(a_i^(t)) (Da_i^(t))_(U^(t))",
            "Σ_t (DL)_(U^(t)), and (Dh_i^(t))_(a_i^(t)) = 1 - (h_i^(t))^2 for the i-th component",
            "06_weight_matrices.ipynb", _notational("U", lambda p, c, do, dh: grads_fast.dU(c, dh))),
    Erratum("symbol-V", "§1 eq (1.6) and §3.5 against §3.8 and Remark 3.22",
            "V is the hidden-to-logit weight matrix in (1.6), (3.5)-(3.14) and (4.2), (4.3), (4.6), and "
            "the vocabulary size in §3.8 ('V × d_model', 'V many square matrices')",
            "two different things: in §3.8 and Remark 3.22 read V as the number of rows of the matrix V "
            "(and of E and c), the vocabulary size, `vocab` in code; the matrix V is (vocab, n_hidden)",
            "07_embedding_table.ipynb", _notational("E", lambda p, c, do, dh: grads_fast.dE(p, c, dh))),
    Erratum("feeds-3.4", "§3.4, §3.6, §3.7, first sentence of each",
            "'The only node b(t) connects to is h(t)'; likewise W(t) -> h(t+1) and U(t) -> h(t)",
            "b(t), U(t) and W(t) feed the pre-activation a(t) (a(t+1) for W), which feeds h(t) through "
            "tanh; the formula on the next line goes through a, (Dh)_a (Da)_b = diag[1 - h^2] · I, "
            "and (4.5), (4.7), (4.8) are right",
            "05_bias_vectors.ipynb", _notational("b", lambda p, c, do, dh: grads_fast.db(c, dh))),
]


def check_all() -> list[tuple[Erratum, ErratumCheck]]:
    """Run every erratum's check."""
    return [(erratum, erratum.check()) for erratum in ERRATA]


CORRECT_TOL = 1e-6  # finite differences in float64 agree far better than this
WRONG_TOL = 1e-2    # a wrong formula misses by far more than this


def report(erratum: Erratum) -> str:
    """What the paper prints, what is meant, and the numbers of the check, as plain text.

    An ambiguity shows both readings and why the wording allows both.
    """
    result = erratum.check()
    right = f"relative error {verdict(result.rel_err_corrected, CORRECT_TOL)}"
    if erratum.kind == "ambiguity":
        return "\n".join([
            f"{erratum.where}: an ambiguity, two readings",
            f"  paper prints:  {erratum.paper_says}",
            f"  right reading: {erratum.correction}",
            f"  other reading: {erratum.other_reading}",
            f"  why both:      {erratum.why_both}",
            f"  check:         {result.what}",
            f"  other reading: relative error {result.rel_err_as_printed:.1e} -> a different number",
            f"  right reading: {right}",
            f"  shown in:      {erratum.notebook}",
        ])
    printed = ("no other numerical reading (notation only)" if result.rel_err_as_printed is None
               else f"relative error {result.rel_err_as_printed:.1e} -> wrong")
    return "\n".join([
        f"{erratum.where}",
        f"  paper prints: {erratum.paper_says}",
        f"  meant:        {erratum.correction}",
        f"  check:        {result.what}",
        f"  as printed:   {printed}",
        f"  corrected:    {right}",
        f"  shown in:     {erratum.notebook}",
    ])


def errata_table() -> str:
    """A plain-text table: each erratum's kind and the relative error of its wrong and right reading.

    The wrong reading is the literal one of a slip, the other reading of an ambiguity
    ("—" for notation, which has none). The right reading is shown as a verdict against
    ``CORRECT_TOL``, ``< 10⁻⁶ ✓`` as everywhere in the series (its exact size, ~1e-9, is
    rounding noise that varies between machines). The last line counts the three kinds.
    """
    lines = [f"{'erratum':<16}{'kind':<10}{'wrong':>8}{'right':>11}  check"]
    counts = {"slip": 0, "ambiguity": 0, "notation": 0}
    for erratum, result in check_all():
        kind = "notation" if result.rel_err_as_printed is None else erratum.kind
        counts[kind] += 1
        wrong = "—" if result.rel_err_as_printed is None else f"{result.rel_err_as_printed:.1e}"
        right = verdict(result.rel_err_corrected, CORRECT_TOL)
        lines.append(f"{erratum.key:<16}{kind:<10}{wrong:>8}{right:>11}  {result.what}")
    lines.append(f"{counts['slip']} slips compute a wrong number as printed; {counts['ambiguity']} "
                 f"ambiguities allow a reading that does; {counts['notation']} slips are notation only")
    return "\n".join(lines)
