#!/usr/bin/env python3
"""fastai_to_collabtui.py -- a fastai collab learner's embeddings to the
files `collabtui import` reads, and collabtui's export back to fastai.

Needs numpy; torch only for the .pth side.  fastai itself is not needed:
save what the script reads from your notebook with plain torch:

    torch.save({'model': learn.model.state_dict(),
                'classes': {k: list(map(str, v)) for k, v in dls.classes.items()}},
               'collab.pth')

(EmbeddingDotBias's state dict holds u_weight.weight, i_weight.weight,
u_bias.weight and i_bias.weight; dls.classes maps the user and item column
names to their class lists, whose first entry is fastai's '#na#'.)

    python3 scripts/fastai_to_collabtui.py to-collabtui collab.pth OUTDIR
    collabtui import --data ml-100k --item-key title \\
        --user-factors OUTDIR/user_factors.npy --item-factors OUTDIR/item_factors.npy \\
        --user-bias OUTDIR/user_bias.npy --item-bias OUTDIR/item_bias.npy \\
        --y-range 0,5.5 --save model.bin

writes user_factors.npy (n_users, k), item_factors.npy (n_items, k),
user_bias.npy, item_bias.npy (float32, C order), user_ids.txt and
item_ids.txt, or item_titles.txt when the item column is 'title' (one key
per line, row j on line j+1): the layout `collabtui export` writes.  Row 0
of each fastai embedding ('#na#') is left out.

    python3 scripts/fastai_to_collabtui.py to-fastai EXPORTDIR collab.pth \\
        [--user-col user] [--item-col title]

reads a `collabtui export` directory (or files in its layout) and writes
the same dict, with a zero '#na#' row 0, for
learn.model.load_state_dict(torch.load('collab.pth')['model']) on a
learner of the same shape and classes.
"""
import argparse
import os
import sys

import numpy as np


def _keys(path):
    with open(path, encoding='utf-8') as f:
        return [line.rstrip('\n') for line in f]


def write_collabtui(outdir, u_w, i_w, u_b, i_b, users, items, item_col='title'):
    """Write factors (n, k), biases (n,) and keys in collabtui's layout.
    Arrays without fastai's '#na#' row; users[j] is row j's key."""
    os.makedirs(outdir, exist_ok=True)
    u_w, i_w = np.asarray(u_w, np.float32), np.asarray(i_w, np.float32)
    if u_w.ndim != 2 or i_w.ndim != 2 or u_w.shape[1] != i_w.shape[1]:
        raise ValueError('factors must be (n, k) with one k for users and items')
    if len(users) != u_w.shape[0] or len(items) != i_w.shape[0]:
        raise ValueError('one key per row')
    np.save(os.path.join(outdir, 'user_factors.npy'), np.ascontiguousarray(u_w))
    np.save(os.path.join(outdir, 'item_factors.npy'), np.ascontiguousarray(i_w))
    if u_b is not None:
        np.save(os.path.join(outdir, 'user_bias.npy'),
                np.ascontiguousarray(np.asarray(u_b, np.float32).reshape(-1)))
        np.save(os.path.join(outdir, 'item_bias.npy'),
                np.ascontiguousarray(np.asarray(i_b, np.float32).reshape(-1)))
    with open(os.path.join(outdir, 'user_ids.txt'), 'w', encoding='utf-8') as f:
        f.writelines(f'{u}\n' for u in users)
    name = 'item_titles.txt' if item_col == 'title' else 'item_ids.txt'
    with open(os.path.join(outdir, name), 'w', encoding='utf-8') as f:
        f.writelines(f'{i}\n' for i in items)


def read_collabtui(expdir, item_col='title'):
    """The arrays and keys of an export directory: (u_w, i_w, u_b, i_b,
    users, items); the biases are None for a dot model."""
    def load(name):
        p = os.path.join(expdir, name)
        return np.load(p) if os.path.exists(p) else None
    u_w, i_w = load('user_factors.npy'), load('item_factors.npy')
    users = _keys(os.path.join(expdir, 'user_ids.txt'))
    items = _keys(os.path.join(expdir, 'item_titles.txt' if item_col == 'title'
                               else 'item_ids.txt'))
    return u_w, i_w, load('user_bias.npy'), load('item_bias.npy'), users, items


def to_collabtui(pth, outdir):
    import torch
    saved = torch.load(pth, map_location='cpu')
    sd, classes = saved['model'], saved['classes']
    user_col, item_col = list(classes)[:2]
    w = {k: sd[k + '.weight'].detach().cpu().numpy()
         for k in ('u_weight', 'i_weight', 'u_bias', 'i_bias')}
    # row 0 is fastai's '#na#'
    write_collabtui(outdir, w['u_weight'][1:], w['i_weight'][1:], w['u_bias'][1:, 0],
                    w['i_bias'][1:, 0], classes[user_col][1:], classes[item_col][1:],
                    item_col)


def to_fastai(expdir, pth, user_col, item_col):
    import torch
    u_w, i_w, u_b, i_b, users, items = read_collabtui(expdir, item_col)
    if u_b is None:
        u_b, i_b = np.zeros(len(users), np.float32), np.zeros(len(items), np.float32)

    def pad(a):
        a = np.asarray(a, np.float32)
        a = a.reshape(a.shape[0], -1)
        return torch.from_numpy(np.concatenate([np.zeros((1, a.shape[1]), np.float32), a]))
    sd = {'u_weight.weight': pad(u_w), 'i_weight.weight': pad(i_w),
          'u_bias.weight': pad(u_b), 'i_bias.weight': pad(i_b)}
    classes = {user_col: ['#na#'] + users, item_col: ['#na#'] + items}
    torch.save({'model': sd, 'classes': classes}, pth)


def main(argv):
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    sub = ap.add_subparsers(dest='cmd', required=True)
    a = sub.add_parser('to-collabtui', help='collab.pth -> .npy and key files')
    a.add_argument('pth')
    a.add_argument('outdir')
    b = sub.add_parser('to-fastai', help='a collabtui export -> collab.pth')
    b.add_argument('expdir')
    b.add_argument('pth')
    b.add_argument('--user-col', default='user')
    b.add_argument('--item-col', default='title')
    args = ap.parse_args(argv)
    if args.cmd == 'to-collabtui':
        to_collabtui(args.pth, args.outdir)
    else:
        to_fastai(args.expdir, args.pth, args.user_col, args.item_col)
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
