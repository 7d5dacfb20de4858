"""Spectral solvers: linear BVPs, space-time collocation, method-of-lines time stepping."""
