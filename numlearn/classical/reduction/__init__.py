"""Model-order reduction of long convolutions: modal state-space models and their
recurrences, Hankel singular values, ERA, balanced truncation, distillation."""
