"""9.3 deep RNN from scratch: wrong implementations, each rejected by its check."""

from ._rnn import gate, tanh_layer, with_output


def get_deep_rnn_params_every_layer_reads_tokens(vocab_size, num_hiddens, device, num_layers=2):
    layers = [p for _ in range(num_layers) for p in gate(vocab_size, num_hiddens, device)]
    return with_output(layers, num_hiddens, vocab_size, device)


def _deep(inputs, state, params, read_bottom=False, top_state_only=False):
    num_layers = (len(params) - 2) // 3
    X, outs, new_state = inputs, [], []
    for layer in range(num_layers):
        X = tanh_layer(X, state[layer], *params[3 * layer : 3 * layer + 3])
        outs.append(X)
        new_state.append(X[-1])
    top = outs[0] if read_bottom else outs[-1]
    W_hq, b_q = params[-2:]
    outputs = top.reshape(-1, top.shape[-1]) @ W_hq + b_q
    return outputs, (tuple(new_state[-1:]) if top_state_only else tuple(new_state))


def deep_rnn_output_reads_bottom(inputs, state, params):
    return _deep(inputs, state, params, read_bottom=True)


def deep_rnn_top_state_only(inputs, state, params):
    return _deep(inputs, state, params, top_state_only=True)


MUTANTS = {
    "ch09.get_deep_rnn_params": [
        (
            "every layer reads the tokens",
            get_deep_rnn_params_every_layer_reads_tokens,
            "W_xh^2 should be a tensor of shape",
        ),
    ],
    "ch09.deep_rnn": [
        ("output layer reads the bottom", deep_rnn_output_reads_bottom, "reads the top layer's"),
        ("returns the top state only", deep_rnn_top_state_only, "one final state per layer"),
    ],
}
