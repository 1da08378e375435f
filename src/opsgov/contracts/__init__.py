"""Contracts: service credits, earn-back, charges, invoice reconciliation and unit economics.

The arithmetic (`credits`, `earnback`, `money`, `pricing`) is pure and exact (`decimal`); the
measured values come from the scorecard's own computation (`measure`).
"""
