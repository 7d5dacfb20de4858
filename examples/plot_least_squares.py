r"""
Learned gradient-descent iterates for least squares
===================================================

Liu, Grogan, Dugan, Rao, Arora, Rudra and Ré ("Towards Learning High-Precision
Least Squares Algorithms with Sequence Models", ICLR 2025, arXiv:2503.12295)
train sequence models to compute one gradient-descent step for
:math:`\min_x \|Ax - b\|^2/(2n)` from a prompt of tokens
:math:`[x_k, 0], [a_1, b_1], \dots, [a_n, b_n]`, then apply the model
repeatedly.  Polynomial mixers (linear attention, the gated convolution BaseConv)
can represent that step exactly; softmax attention cannot.

This example uses the *exact weight construction* of a two-layer linear-attention
model (:func:`~numlearn.learned.least_squares.linear_attention_gd_construction`;
no training, so it runs in seconds; ``numlearn compare --suite least-squares``
trains linear attention, BaseConv and a softmax model from random initialisation,
and :func:`~numlearn.learned.least_squares.baseconv_gd_construction` is the
BaseConv counterpart of the construction, slower to iterate on a CPU) and
iterates it next to classical gradient descent with
:func:`~numlearn.learned.least_squares.iterated_study`, on problems of the
paper's distribution (:func:`numlearn.problems.sample_paper`: :math:`n = 20`,
:math:`d = 5`, Gaussian :math:`A` and :math:`x^\star`, :math:`b = Ax^\star`).
It needs the ``torch`` extra.
"""

import matplotlib.pyplot as plt
import numpy as np
import torch

from numlearn.learned.least_squares import iterated_study, linear_attention_gd_construction
from numlearn.problems import sample_paper

torch.set_num_threads(1)  # small batches: one thread is fastest
problems = sample_paper(128, seed=0)  # 128 problems, n = 20, d = 5, float64
model = linear_attention_gd_construction()  # 2 layers, 2 heads, float64

# %%
# Iterate, and split the error
# ----------------------------
# ``iterated_study`` runs the learned iterate and classical GD (step 0.5, as in
# the paper) on the same problems and reports, at each checkpoint ``k``, the
# median relative error :math:`\|x_k - x^\star\| / \|x^\star\|` of both and the
# *optimization* term: how far the learned trajectory is from the classical one.
# The classical GD error is the algorithmic part; it falls until the rounding
# floor :math:`\kappa(A)\,\varepsilon`.

study = iterated_study(model, problems, steps=200, eta=0.5)
cps = study.stats["checkpoints"]
ks = [c["k"] for c in cps]

fig, ax = plt.subplots(figsize=(6.4, 4.4), layout="constrained")
ax.semilogy(ks, [c["rel_gd"]["median"] for c in cps], "k-", lw=2, label="classical GD (float64)")
ax.semilogy(ks, [c["rel_learned"]["median"] for c in cps], "o--", ms=4,
            label="learned iterate: linear attention")
# exact zeros (k = 0: both start at x_0) have no logarithm
opt = np.array([c["optimization"]["median"] for c in cps])
ax.semilogy(np.array(ks)[opt > 0], opt[opt > 0], "s:", ms=3,
            label="optimization term: learned vs GD")
ax.axhline(study.stats["median_floor"], color="gray", lw=0.8, ls="--")
ax.text(ks[-1], 1.5 * study.stats["median_floor"], r"median $\kappa(A)\,\varepsilon$",
        ha="right", va="bottom", color="gray")
ax.set_xlabel("iterations $k$")
ax.set_ylabel(r"median $\|x_k - x^\star\| / \|x^\star\|$ over 128 problems")
ax.set_title("Iterating an exact learned GD step (float64)")
ax.legend(fontsize="small")
plt.show()

# %%
# Against the paper
# -----------------
# The paper trains in float32 and reports a median MSE :math:`\|x - x^\star\|^2/d`
# of about :math:`1.5 \times 10^{-13}` after 100 iterations for both polynomial
# mixers (and about :math:`10^{-2}` for softmax attention).  In float64 the exact
# construction follows classical GD to its floor:

s = study.stats
print(
    f"k = {s['iterations']}: median relative error {s['median_rel_learned']:.1e} "
    f"(GD {s['median_rel_gd']:.1e}), median MSE {s['median_mse_learned']:.1e} "
    f"(GD {s['median_mse_gd']:.1e}), status {study.status.code}"
)
