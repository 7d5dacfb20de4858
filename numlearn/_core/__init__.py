"""The bottom layer: the result contract, validators and EPS, thread control, the
checksummed file store.  Imports nothing else from numlearn."""
