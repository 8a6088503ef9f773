# English: what the protocols say about themselves and their state (node summaries, facts, violations).
# Titles, variant explanations, invariant rules, metric and option labels are English in the protocol modules;
# zh-CN/protocols.ftl translates them under derived keys (see mod.rs).

## A node at a glance (Protocol::summary). `down · …` wraps what a crashed node still has on disk.
summary-idle = idle
summary-down = down
summary-memory-lost = down · memory lost
summary-down-then = down · { $state }
summary-down-disk = down · disk: { $state }
summary-down-pending = down · { $n } on disk
summary-waiting = waiting { $n }
summary-waiting-asks = waiting { $waiting } · asks { $target }
summary-waiting-n-asks = waiting { $n } · asks { $target }
raft-summary-server = { $role } t{ $term } · log { $log } · commit { $commit }
raft-summary-server-voted = { $role } t{ $term } voted { $voted } · log { $log } · commit { $commit }
raft-summary-down = down · disk: t{ $term }, log { $log }
paxos-summary-attempt = slot { $slot } { $phase } { $ballot }
paxos-summary-backing-off = backing off
paxos-summary-proposer = { $doing } · chosen { $chosen } · applied { $applied }
paxos-summary-acceptor = accepted { $slots } { $slots ->
        [one] slot
       *[other] slots
    }
paxos-summary-retired = retired: a replacement with an empty disk, answers nothing
paxos-summary-acceptor-last = accepted { $slots } { $slots ->
        [one] slot
       *[other] slots
    } · slot { $slot }: { $value } at { $ballot }
paxos-phase-prepare = prepare
paxos-phase-accept = accept
single-summary-db = { $orders } orders, { $confirmed } confirmed · stock { $stock }
single-summary-try = #{ $id } try { $n }
single-summary-waiting = waiting { $waiting }{ $more }
single-summary-node = node { $node }
twopc-summary-coordinator = { $txns } txns · { $commits } committed · { $open } undecided
twopc-summary-inventory = { $prepared } uncertain · { $stock }
twopc-summary-payments = { $prepared } uncertain · revenue { $revenue }
locking-summary-locks = { $held } locks held · { $queued } waiting
locking-summary-token = token { $token }
locking-summary-redis = { $held } keys
locking-summary-store = { $pending } pending · { $rows }
locking-summary-shopper = { $txn } { $phase } · { $running } running

## A node box's facts (view::NodeDetail): labels, then the words among their values.
fact-role = role
fact-term = term
fact-vote = vote
fact-commit = commit
fact-applied = applied
fact-slot = slot
fact-ballot = ballot
fact-phase = phase
fact-rounds = rounds
fact-promised = promised
fact-accepted = accepted
fact-txns = txns
fact-undecided = undecided
fact-uncertain = uncertain
fact-holding = holding
fact-held = held
fact-waiting = waiting
fact-token = token
fact-deadlocks = deadlocks
fact-pending = pending
fact-commits = commits
fact-refused = refused
fact-running = running
role-down = down
role-leader = leader
role-follower = follower
role-candidate = candidate
role-pre-candidate = pre-candidate
role-proposer = proposer
role-acceptor = acceptor
role-learner = learner
role-retired = retired
role-coordinator = coordinator
role-inventory = inventory
role-payments = payments
role-lock-manager = lock manager
role-redis = Redlock server
role-storage = storage
role-shopper = shopper
paxos-phase-one-prepare = 1 prepare
paxos-phase-two-accept = 2 accept
paxos-phase-backoff = back-off

## Log cells, table lines and legends.
cell-noop = no-op
raft-legend = term · filled: committed
paxos-legend-proposer = rounds · filled: applied
paxos-legend-acceptor = ballot round
twopc-legend-coordinator = blue commit · pink abort
twopc-legend-participant = hollow = uncertain
locking-legend-locks = holder ← queue · t = fencing token
locking-legend-redis = holder · expiry on its own clock
locking-legend-raft-table = holder · fencing token (the grant's log index)
locking-redis-row = { $txn } until { $until } s
locking-raft-row = { $txn } · token { $token }
locking-row-none = no row is locked
locking-redis-no-keys = no key set
locking-legend-store = value v=version · ✎ pending write
locking-cell = { $value } v{ $version }
locking-cell-fenced = { $value } v{ $version } fence t{ $fence }
locking-cell-intent = { $cell } ✎{ $txn }→{ $to }
locking-job = { $phase } · try { $attempt }
locking-row-fencing = fencing ≥t{ $token }
locking-row-free = free
locking-row-held = { $holders }
locking-row-queue = { $row } ← { $queue }

## What a broken invariant found (Violation::detail). The CLI and the golden transcripts print these in English:
## change one only on purpose.
raft-violation-log-matching = n{ $node } and n{ $other } both have an entry of term { $term } at index { $index }, but their logs differ before it
raft-violation-committed = n{ $node } holds a different committed entry at index { $index } than another server committed
raft-violation-applied = n{ $node } applied a different entry at index { $index } than another server did
raft-violation-two-leaders = n{ $node } and n{ $other } were both elected leader of term { $term }
raft-violation-incomplete-leader = n{ $node } leads term { $term } without the entry committed at index { $index }
paxos-violation-two-values = slot { $slot }: { $value } is chosen at ballot { $ballot }, but a different value was chosen there before
paxos-violation-learned = { $node } learned slot { $slot } as a value that was not chosen there
single-violation-lost = request #{ $id } was confirmed to its shopper, but the database has no confirmed order for it
twopc-violation-atomicity = txn #{ $txn } is committed in one place and aborted in another ({ $who })
twopc-violation-by-coordinator = the coordinator decided
twopc-violation-stock-ledger = item { $item }: { $on_hand } on hand + { $held } held + { $sold } sold ≠ { $start } at the start
twopc-violation-money-ledger = wallets { $wallets } + held { $held } + revenue { $revenue } ≠ { $start } cents at the start
twopc-violation-revenue = revenue { $revenue } ≠ { $captured } captured by committed transactions
locking-violation-two-holders = { $row } is held by { $holders }
locking-violation-ended-holder = { $row } is still granted to { $holders }, which the log already ended (released, or its lease expired)
locking-violation-deadlock = { $cycle } have waited for each other for { $waited_ms } ms, past the bound of { $bound_ms } ms
locking-violation-lost-update = { $row } is { $value }, but { $start } at the start minus { $taken } taken by committed checkouts is { $expected }
locking-violation-oversold = committed checkouts took { $taken } { $row }, only { $start } existed
locking-violation-money = wallets hold { $wallets } and revenue is { $revenue }: { $sum } ≠ { $start } at the start
locking-violation-twice = checkout #{ $req } committed twice: { $first } and { $second }
locking-violation-failed-but-committed = checkout #{ $req } was told it failed, but { $txn } committed
locking-violation-confirmed-uncommitted = checkout #{ $req } was confirmed, but no transaction of it committed
locking-violation-told-but-committed = checkout #{ $req } was told “{ $outcome }”, but { $txn } committed
violation-negative-stock = item { $item } has stock { $stock }
violation-paid-twice = request #{ $id } has { $n } confirmed orders: the customer paid { $n } times
violation-charged-twice = order { $order } was charged { $n } times
violation-order-mismatch = order { $order } is { $status } but its stock was taken { $takes } times and its payment captured { $captures } times
violation-stock-mismatch = item { $item }: stock is { $stock }, but { $start } at the start minus { $sold } sold in confirmed orders is { $expected }
violation-money = wallets plus revenue are { $money } cents, the start had { $start }
violation-revenue = revenue is { $revenue } cents but confirmed orders total { $confirmed } cents
order-confirmed = confirmed
order-rejected = rejected

## A broken rule in the invariant panel (src/model.rs ViolationMark::text).
violation-line = ⚠ { $invariant } broken: { $detail } — { $rule }

## The liveness verdict (liveness.rs): the CLI prints these in English.
liveness-held = held: { $judged } checkout(s) judged, each answered within { $bound } ms with { $needs } (slowest { $slowest } ms)
liveness-broken = BROKEN: { $late } (with { $needs })
liveness-broken-bare = BROKEN
liveness-no-bound = not applicable: this protocol states no bound
liveness-not-applicable = not applicable: no checkout waited inside a { $bound } ms stretch with { $needs }
liveness-late-answered = checkout #{ $id } (submitted at { $at } s) was answered { $waited } ms after { $from }, beyond the bound of { $bound } ms
liveness-late-unanswered = checkout #{ $id } (submitted at { $at } s) had no answer { $bound } ms after { $from }
liveness-from-submission = its submission
liveness-from-stretch = t = { $at } s, when the protocol's needs were met again
liveness-needs = { $groups } up, every shopper up and the network whole and lossless
liveness-group-all = all of { $range }
liveness-group-some = { $need } of { $range }
linearizability-held = linearizable: { $ops } { $ops ->
        [one] operation
       *[other] operations
    } judged in { $parts } independent { $parts ->
        [one] part
       *[other] parts
    }; one correct shop could have given every answer
linearizability-violated = VIOLATED: { $why }
linearizability-violated-bare = VIOLATED
linearizability-unknown = unknown: the search gave up after { $steps } steps on { $ops } { $ops ->
        [one] operation
       *[other] operations
    }
linearizability-witness = no order of { $n ->
        [one] this answer
       *[other] these { $n } answers
    } is possible from the start ({ $stock }; { $wallets }), whatever { $relaxed } other { $relaxed ->
        [one] operation
       *[other] operations
    } submitted before its last answer did ({ $why }): { $ops }
linearizability-stock = item { $item }: { $units } { $units ->
        [one] unit
       *[other] units
    }
linearizability-wallet = customer { $customer }: { $cents }
linearizability-op = checkout #{ $id } by { $shopper } ({ $from }-{ $to } s): { $answer }
linearizability-op-open = checkout #{ $id } by { $shopper } (from { $from } s): { $answer }
linearizability-no-answer = no answer
linearizability-read-op = read #{ $id } by { $shopper } ({ $from }-{ $to } s): { $units } of item { $item } left
linearizability-reason-read-stale = the read was told { $told } of item { $item } left, but checkouts confirmed before it was sent had already taken { $least } of the { $start } { $start ->
        [one] unit
       *[other] units
    }: a stale read
linearizability-reason-read-low = the read was told { $told } of item { $item } left, but at most { $most } of the { $start } { $start ->
        [one] unit
       *[other] units
    } could have been sold before its answer
linearizability-reason-search = every order was tried
linearizability-reason-never-had = the basket asks for { $wanted } of item { $item }, and the shop never had more than { $start }
linearizability-reason-never-could-pay = the basket costs { $total }, more than customer { $customer }'s whole wallet of { $start }
linearizability-reason-stock-left = at most { $most } of the { $start } { $start ->
        [one] unit
       *[other] units
    } of item { $item } could have been sold before that answer
linearizability-reason-money-left = at most { $most } of customer { $customer }'s { $start } could have been spent before that answer
linearizability-reason-stock-gone = checkouts confirmed before it was submitted had already taken { $least } of the { $start } { $start ->
        [one] unit
       *[other] units
    } of item { $item }
linearizability-reason-money-gone = checkouts confirmed before it was submitted had already spent { $least } of customer { $customer }'s { $start }
