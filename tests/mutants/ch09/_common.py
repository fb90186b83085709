"""What several sections' mutants share: the source sentence as the book's predictor feeds it."""

import torch


def _pad(line, num_steps, padding_token):
    line = list(line)
    return (
        line[:num_steps]
        if len(line) > num_steps
        else line + [padding_token] * (num_steps - len(line))
    )


def _initial_state(net, src_sentence, src_vocab, num_steps, device):
    """The decoder's state after encoding one lower-cased source sentence, `<eos>` appended."""
    tokens = src_vocab[src_sentence.lower().split(" ")] + [src_vocab["<eos>"]]
    enc_valid_len = torch.tensor([len(tokens)], device=device)
    enc_X = torch.tensor([_pad(tokens, num_steps, src_vocab["<pad>"])], device=device)
    return net.decoder.init_state(net.encoder(enc_X, enc_valid_len), enc_valid_len)
