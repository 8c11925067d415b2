"""The eligibility engine: for one person on one date, is each requirement of the next stage
met, and why (a pure package: facts in, checks out; the rules are versioned data packs)."""
