"""Competitions: campaign setup, dossiers, the technical check, expert assignment, review, ranking, results."""
