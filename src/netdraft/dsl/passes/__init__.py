"""The compiler's passes, one per module, in the order :mod:`netdraft.dsl.compile` runs them.

``scope`` (the symbol tables) → ``literals`` (CIDRs, addresses, ports, volumes, numbers)
→ ``resolve`` (names, one resolver per kind of reference) → ``defaults`` (AWS's implicit
objects) → ``addresses`` (private and public addresses, in the documented order); the
``vpcs``, ``connections`` and ``intent`` modules build the model's parts with them.
"""
