"""Nested parameter dicts ({"W_ih": array, …} or {"encoder": {…}, "decoder": {…}, …}) as trees."""


def tree_map(fn, tree, *others):
    """fn applied leaf by leaf to `tree` and the trees of the same shape in `others`."""
    return {
        key: tree_map(fn, value, *(o[key] for o in others))
        if isinstance(value, dict)
        else fn(value, *(o[key] for o in others))
        for key, value in tree.items()
    }


def leaves(tree, prefix: str = ""):
    """(dotted key, array) for every array in the tree."""
    for key, value in tree.items():
        if isinstance(value, dict):
            yield from leaves(value, f"{prefix}{key}.")
        else:
            yield prefix + key, value
