"""6.3 padding and stride: wrong implementations, each rejected by its check."""

from ._common import _pair


def conv_output_shape_one_sided(input_shape, kernel_size, padding=0, stride=1):
    (n_h, n_w), (k_h, k_w), (p_h, p_w), (s_h, s_w) = map(
        _pair, (input_shape, kernel_size, padding, stride)
    )
    return (n_h - k_h + p_h + s_h) // s_h, (n_w - k_w + p_w + s_w) // s_w


def conv_output_shape_true_division(input_shape, kernel_size, padding=0, stride=1):
    (n_h, n_w), (k_h, k_w), (p_h, p_w), (s_h, s_w) = map(
        _pair, (input_shape, kernel_size, padding, stride)
    )
    return (n_h - k_h + 2 * p_h + s_h) / s_h, (n_w - k_w + 2 * p_w + s_w) / s_w


def conv_output_shape_ignores_stride(input_shape, kernel_size, padding=0, stride=1):
    (n_h, n_w), (k_h, k_w), (p_h, p_w) = map(_pair, (input_shape, kernel_size, padding))
    return n_h - k_h + 2 * p_h + 1, n_w - k_w + 2 * p_w + 1


def comp_conv2d_keeps_dims(conv2d, X):
    return conv2d(X.reshape((1, 1) + tuple(X.shape)))


def comp_conv2d_squeezes_all(conv2d, X):
    return conv2d(X.reshape((1, 1) + tuple(X.shape))).squeeze()


MUTANTS = {
    "ch06.conv_output_shape": [
        ("padding on one side only", conv_output_shape_one_sided, "each side"),
        ("true division", conv_output_shape_true_division, "floor division"),
        ("ignores the stride", conv_output_shape_ignores_stride, "divide by the stride"),
    ],
    "ch06.comp_conv2d": [
        ("keeps the batch and channel dims", comp_conv2d_keeps_dims, "strip the batch and channel"),
        ("squeezes every size-1 dim", comp_conv2d_squeezes_all, "expected shape"),
    ],
}
