"""Bad input to the BWLer layer (numlearn.learned.layers.bwler): axes, construction
arguments, points and grids, derivative orders, fit_nodes.  Each case asserts the
exception type and that the message names the argument."""

from __future__ import annotations

import math

import pytest

torch = pytest.importorskip("torch")

from numlearn.learned.layers import BWLerLayer, ChebyshevAxis, FourierAxis  # noqa: E402

F64 = torch.float64


@pytest.fixture
def layer():
    return BWLerLayer((ChebyshevAxis(6, (0.0, 1.0)), FourierAxis(4)))


class TestAxes:
    @pytest.mark.parametrize("n", [1, 0, -3])
    def test_too_few_chebyshev_nodes(self, n):
        with pytest.raises(ValueError, match="`n`"):
            ChebyshevAxis(n)

    def test_too_few_fourier_nodes(self):
        with pytest.raises(ValueError, match="`n`"):
            FourierAxis(0)

    def test_too_many_nodes(self):
        with pytest.raises(ValueError, match="`n`"):
            ChebyshevAxis(10**6)

    @pytest.mark.parametrize("n", [4.0, True, "8"])
    def test_n_not_an_int(self, n):
        with pytest.raises(TypeError, match="`n`"):
            FourierAxis(n)

    @pytest.mark.parametrize("cls", [ChebyshevAxis, FourierAxis])
    @pytest.mark.parametrize("domain", [(1.0, 0.0), (2.0, 2.0), (0.0, math.inf),
                                        (0.0, math.nan)])
    def test_bad_domain(self, cls, domain):
        with pytest.raises(ValueError, match="`domain`"):
            cls(8, domain)

    def test_domain_not_a_pair(self):
        with pytest.raises(TypeError, match="`domain`"):
            ChebyshevAxis(8, (0.0, 1.0, 2.0))


class TestConstruction:
    def test_empty_axes(self):
        with pytest.raises(ValueError, match="`axes`"):
            BWLerLayer(())

    @pytest.mark.parametrize("axes", ["chebyshev", 8, [ChebyshevAxis(4), (8, (0, 1))]])
    def test_axes_not_axes(self, axes):
        with pytest.raises(TypeError, match="`axes"):
            BWLerLayer(axes)

    @pytest.mark.parametrize("dtype", [torch.int64, torch.complex128, "float64", None])
    def test_bad_dtype(self, dtype):
        with pytest.raises(TypeError, match="`dtype`"):
            BWLerLayer(ChebyshevAxis(4), dtype=dtype)

    def test_bad_device(self):
        with pytest.raises(ValueError, match="`device`"):
            BWLerLayer(ChebyshevAxis(4), device="tpu7")
        with pytest.raises(TypeError, match="`device`"):
            BWLerLayer(ChebyshevAxis(4), device=3)

    def test_too_many_parameters(self):
        with pytest.raises(ValueError, match="axes"):
            BWLerLayer((ChebyshevAxis(4096), ChebyshevAxis(4096), ChebyshevAxis(4096)))


class TestPoints:
    def test_nan_points(self, layer):
        pts = torch.tensor([[0.5, 1.0], [math.nan, 0.0]], dtype=F64)
        with pytest.raises(ValueError, match="`points`"):
            layer(pts)

    def test_inf_grid(self, layer):
        with pytest.raises(ValueError, match=r"`grid\[1\]`"):
            layer((torch.tensor([0.5], dtype=F64), torch.tensor([math.inf], dtype=F64)))

    @pytest.mark.parametrize("shape", [(5, 3), (5, 1), (5,), (2, 5, 2)])
    def test_wrong_point_dimension(self, layer, shape):
        with pytest.raises(ValueError, match="`points`"):
            layer(torch.zeros(shape, dtype=F64))

    def test_empty_points(self, layer):
        with pytest.raises(ValueError, match="`points`"):
            layer(torch.zeros(0, 2, dtype=F64))

    def test_wrong_grid_length(self, layer):
        with pytest.raises(ValueError, match="`grid`"):
            layer((torch.zeros(3, dtype=F64),))

    def test_grid_not_1d(self, layer):
        with pytest.raises(ValueError, match=r"`grid\[0\]`"):
            layer((torch.zeros(3, 1, dtype=F64), torch.zeros(3, dtype=F64)))

    def test_outside_chebyshev_domain(self, layer):
        with pytest.raises(ValueError, match=r"`points`.*domain"):
            layer(torch.tensor([[1.5, 0.0]], dtype=F64))

    def test_float64_points_to_float32_layer(self):
        layer = BWLerLayer(ChebyshevAxis(4), dtype=torch.float32)
        with pytest.raises(TypeError, match=r"`points`.*float32"):
            layer(torch.zeros(3, 1, dtype=F64))

    def test_float32_points_to_float64_layer(self, layer):
        with pytest.raises(TypeError, match="`points`"):
            layer(torch.zeros(3, 2, dtype=torch.float32))
        with pytest.raises(TypeError, match="`points`"):
            layer.derivative(torch.zeros(3, 2, dtype=torch.float32), (1, 0))

    @pytest.mark.parametrize("pts", [[[0.5, 0.0]], None, "x"])
    def test_points_not_a_tensor(self, layer, pts):
        with pytest.raises(TypeError, match=r"`points`|`grid"):
            layer(pts)

    def test_interpolation_matrix_axis(self, layer):
        with pytest.raises(ValueError, match="`axis`"):
            layer.interpolation_matrix(torch.zeros(2, dtype=F64), 2)


class TestOrders:
    @pytest.mark.parametrize("orders", [(1,), (1, 0, 0)])
    def test_wrong_length(self, layer, orders):
        with pytest.raises(ValueError, match="`orders`"):
            layer.derivative(torch.zeros(1, 2, dtype=F64), orders)

    def test_negative(self, layer):
        with pytest.raises(ValueError, match=r"`orders\[1\]`"):
            layer.derivative(torch.zeros(1, 2, dtype=F64), (0, -1))

    @pytest.mark.parametrize("orders", [1, "11", (1.0, 0)])
    def test_not_ints(self, layer, orders):
        with pytest.raises(TypeError, match="`orders"):
            layer.nodal_derivative(orders)


class TestFitNodes:
    def test_wrong_shape(self, layer):
        with pytest.raises(ValueError, match="`f`"):
            layer.fit_nodes(lambda t, x: torch.zeros(3, dtype=F64))

    def test_nan(self, layer):
        with pytest.raises(ValueError, match="`f`"):
            layer.fit_nodes(lambda t, x: t / 0.0 * 0.0)

    def test_wrong_dtype(self, layer):
        with pytest.raises(TypeError, match="`f`"):
            layer.fit_nodes(lambda t, x: (t + x).float())

    def test_not_callable_or_not_tensor(self, layer):
        with pytest.raises(TypeError, match="`f`"):
            layer.fit_nodes(3.0)
        with pytest.raises(TypeError, match="`f`"):
            layer.fit_nodes(lambda t, x: 1.0)
