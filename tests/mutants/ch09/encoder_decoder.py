"""9.6 the encoder-decoder architecture: wrong implementations, each rejected by its check."""

from torch import nn


class _EncoderDecoder(nn.Module):
    def __init__(self, encoder, decoder, mistake):
        super().__init__()
        self.encoder, self.decoder, self.mistake = encoder, decoder, mistake

    def forward(self, enc_X, dec_X, *args):
        enc_args = () if self.mistake == "encoder args" else args
        enc_outputs = self.encoder(enc_X, *enc_args)
        state_args = () if self.mistake == "init_state args" else args
        dec_state = self.decoder.init_state(enc_outputs, *state_args)
        output, state = self.decoder(dec_X, dec_state)
        return output if self.mistake == "output only" else (output, state)


def _runner(mistake):
    def run_encoder_decoder(encoder, decoder, enc_X, dec_X, *args):
        return _EncoderDecoder(encoder, decoder, mistake)(enc_X, dec_X, *args)

    return run_encoder_decoder


MUTANTS = {
    "ch09.EncoderDecoder": [
        ("init_state without *args", _runner("init_state args"), "on to self.decoder.init_state"),
        ("encoder without *args", _runner("encoder args"), "on to self.encoder"),
        ("returns the output only", _runner("output only"), "the pair (output, state)"),
    ],
}
