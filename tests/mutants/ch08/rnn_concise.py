"""8.6 the concise RNN: wrong implementations, each rejected by its check."""

import torch
import torch.nn.functional as F
from torch import nn


class _RNNModel(nn.Module):
    transpose = True
    flatten = True
    lstm_pair = True

    def __init__(self, rnn_layer, vocab_size):
        super().__init__()
        self.rnn = rnn_layer
        self.vocab_size = vocab_size
        self.num_hiddens = self.rnn.hidden_size
        self.num_directions = 2 if self.rnn.bidirectional else 1
        self.linear = nn.Linear(self.num_hiddens * self.num_directions, self.vocab_size)

    def forward(self, inputs, state):
        inputs = inputs.T if self.transpose else inputs
        X = F.one_hot(inputs.long(), self.vocab_size).to(torch.float32)
        Y, state = self.rnn(X, state)
        if self.flatten:
            Y = Y.reshape((-1, Y.shape[-1]))
        return self.linear(Y), state

    def begin_state(self, device, batch_size=1):
        shape = (self.num_directions * self.rnn.num_layers, batch_size, self.num_hiddens)
        if not isinstance(self.rnn, nn.LSTM) or not self.lstm_pair:
            return torch.zeros(shape, device=device)
        return (torch.zeros(shape, device=device), torch.zeros(shape, device=device))


class _NotTransposed(_RNNModel):
    transpose = False


class _NotFlattened(_RNNModel):
    flatten = False


class _OneTensorState(_RNNModel):
    lstm_pair = False


class _OneLayerState(_RNNModel):
    def begin_state(self, device, batch_size=1):
        return torch.zeros((1, batch_size, self.num_hiddens), device=device)


def _runner(model_class):
    def run_rnn_model(rnn_layer, vocab_size, X, linear_state):
        net = model_class(rnn_layer, vocab_size)
        net.linear.load_state_dict(linear_state)
        state = net.begin_state(device="cpu", batch_size=X.shape[0])
        Y, new_state = net(X, state)
        return Y, new_state, state

    return run_rnn_model


MUTANTS = {
    "ch08.RNNModel": [
        ("X not transposed", _runner(_NotTransposed), "Expected hidden size (1, 5, 16)"),
        ("Y not flattened", _runner(_NotFlattened), "flatten Y to (num_steps * batch_size"),
        (
            "one tensor as an LSTM's state",
            _runner(_OneTensorState),
            "Y, state = self.rnn(X, state)",
        ),
        ("a one-layer state", _runner(_OneLayerState), "Expected hidden size (2, 2, 5)"),
    ],
}
