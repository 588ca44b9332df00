"""The language: parse text into a syntax tree, compile it into the model, validate it."""
