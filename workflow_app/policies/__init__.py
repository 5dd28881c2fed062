"""Authorization rules per area, registered into policy.can()."""
