# English: what the protocols say about themselves and their state (node summaries, facts, violations).
# Titles, variant explanations, invariant rules, metric and option labels are English in the protocol modules;
# zh-CN/protocols.ftl translates them under derived keys (see mod.rs).
