"""10.4 the Bahdanau decoder: wrong implementations, each rejected by its check."""

import torch
from torch import nn

from d2lkit.attention import AdditiveAttention


class _Decoder(nn.Module):
    mistake = None

    def __init__(self, vocab_size, embed_size, num_hiddens, num_layers, dropout=0, **kwargs):
        super().__init__(**kwargs)
        self.attention = AdditiveAttention(num_hiddens, num_hiddens, num_hiddens, dropout)
        self.embedding = nn.Embedding(vocab_size, embed_size)
        self.rnn = nn.GRU(embed_size + num_hiddens, num_hiddens, num_layers, dropout=dropout)
        self.dense = nn.Linear(num_hiddens, vocab_size)

    def init_state(self, enc_outputs, enc_valid_lens=None, *args):
        outputs, hidden_state = enc_outputs
        return outputs.permute(1, 0, 2), hidden_state, enc_valid_lens

    def forward(self, X, state):
        enc_outputs, hidden_state, enc_valid_lens = state
        first_hidden = hidden_state
        outputs = []
        for x in self.embedding(X).permute(1, 0, 2):
            layer = 0 if self.mistake == "first layer" else -1
            query = hidden_state[layer].unsqueeze(1)
            context = self.attention(query, enc_outputs, enc_outputs, enc_valid_lens)
            step = torch.cat((context, x.unsqueeze(1)), dim=-1)
            out, hidden_state = self.rnn(step.permute(1, 0, 2), hidden_state)
            outputs.append(out)
        logits = self.dense(torch.cat(outputs, dim=0)).permute(1, 0, 2)
        if self.mistake == "old state":
            hidden_state = first_hidden
        return logits, (enc_outputs, hidden_state, enc_valid_lens)


class Seq2SeqAttentionDecoderOldState(_Decoder):
    """Returns the hidden state it was given: the next call restarts from it."""

    mistake = "old state"


class Seq2SeqAttentionDecoderFirstLayerQuery(_Decoder):
    """Queries with the first layer's hidden state instead of the last layer's."""

    mistake = "first layer"


MUTANTS = {
    "ch10.Seq2SeqAttentionDecoder": [
        ("the old hidden state returned", Seq2SeqAttentionDecoderOldState, "new hidden state"),
        ("query from the first layer", Seq2SeqAttentionDecoderFirstLayerQuery, "output[0]"),
    ],
}
