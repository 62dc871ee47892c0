"""The leaf of the house: error base types and value helpers every layer may import.

Nothing here imports from another ice287g package.
"""
