"""Pure diffing: agency identity, the quality gate and the event rules."""
