# English: every narration key the protocols and the engine use (see crates/protosim/src/i18n/mod.rs).
# A message id is the note key with `-` for `.` and `_`; `{ $name }` puts an argument in.

client-answered = request #{ $id } { $outcome } after { $n } { $n ->
        [one] attempt
       *[other] attempts
    }
client-give-up = no answer for request #{ $id } after { $max } attempts: the shopper gives up
client-read-answered = read #{ $id }: { $units } of item { $item } left, after { $n } { $n ->
    [one] attempt
   *[other] attempts
}
client-reply-late = a late or duplicate reply for request #{ $id } is ignored
client-restart-pending = restarts with { $n } unanswered { $n ->
        [one] checkout
       *[other] checkouts
    } on disk and sends them again
client-retry = no reply for request #{ $id } yet: retry { $retry } with the same request id, to node { $to }
engine-crash-noop = { $node } is already down: nothing to crash
engine-delay-noop = nothing to delay: message #{ $id } is not on its way
engine-drop-noop = nothing to drop: message #{ $id } is not in flight
engine-duplicate-noop = nothing to duplicate: message #{ $id } is not on its way
engine-restart-noop = { $node } is up: nothing to restart
engine-wipe-refused = { $node } keeps its data only on its own disk: a replacement machine would come back without it, which this protocol has no safe way to take back, so { $node } is left as it is
engine-pause-noop = { $node } is already paused: nothing to pause
engine-pause-down = { $node } is down: nothing to pause
engine-resume-noop = { $node } is not paused: nothing to resume
engine-crash-unsynced = { $node } loses the writes its disk had not made durable yet (no fsync completed since)
engine-shopper-down = is down: its checkout never starts
locking-abort-fence = aborts { $txn } ({ $why }), taking { $rows }: fences the rows before granting them again
locking-abort-no-fence = aborts { $txn } ({ $why }), taking { $rows }: grants them again at once, without fencing
locking-abort-no-locks = aborts { $txn } ({ $why }), taking no locks
locking-apply-nothing = has no pending writes of { $txn }: nothing to apply
locking-commit = commits { $txn }: the decision is on disk, its writes here are applied
locking-commit-dropped = cannot commit { $txn }: its pending writes were already dropped
locking-committed = { $txn } committed: the checkout is confirmed, then it unlocks
locking-deadline = { $txn } is still not done and the customer has waited long enough: gives up
locking-deadlock = finds a deadlock: { $cycle } wait in a cycle; the youngest is the victim
locking-failed-deadline = { $txn } failed ({ $why }), and the customer has waited long enough: gives up
locking-failed-last = { $txn } failed ({ $why }); that was attempt { $failed }: gives up
locking-failed-retry = { $txn } failed ({ $why }): retries in { $wait_ms } ms (back-off, attempt { $attempt })
locking-grant = grants { $row } to { $txn } after a wait of { $waited_ms } ms
locking-lm-restart = restarts with an empty lock table: fences every row at token { $token } first
locking-msg-already-aborted = { $txn }: already aborted
locking-msg-busy = { $txn }: another write is pending, try again
locking-msg-commit-primary = { $txn }: commit (at the primary)
locking-msg-commit-secondary = { $txn }: apply the committed writes
locking-msg-conflict = { $txn }: { $row } changed since it was read
locking-msg-decided-aborted = { $txn } aborted
locking-msg-decided-committed = { $txn } committed
locking-msg-fence = refuse tokens below { $token } on { $rows } { $rows ->
        [one] row
       *[other] rows
    }
locking-msg-fenced = { $rows } { $rows ->
        [one] row
       *[other] rows
    } fenced at token { $token }
locking-msg-fenced-out = { $txn }: token too old for { $row } (fenced)
locking-msg-granted = { $txn } gets { $row } with fencing token { $token }
locking-msg-lock = { $txn } asks for the { $mode } lock on { $row }
locking-msg-prepared = { $txn }: writes pending here
locking-msg-prewrite = { $txn } writes { $rows } { $rows ->
        [one] row
       *[other] rows
    }, pending
locking-msg-read = { $txn } reads { $rows } { $rows ->
        [one] row
       *[other] rows
    }
locking-msg-release = { $txn } releases all its locks
locking-msg-released = { $txn }: locks released
locking-msg-renew = { $txn } renews its lease
locking-msg-resolve = did { $txn } commit?
locking-msg-resolve-force = did { $txn } commit? (abort it if not)
locking-msg-resolved-pending = { $txn } still in progress
locking-msg-revoked = { $txn } loses its locks: { $why }
locking-msg-held = { $txn }: no, another transaction holds { $row } here
locking-msg-rollback = { $txn }: drop its pending writes
locking-msg-values = { $txn }: { $values }
locking-phase-backoff = backing off
locking-phase-committing = committing
locking-phase-locking = locking
locking-phase-reading = reading
locking-phase-unlocking = unlocking
locking-phase-writing = writing
locking-primary-abort = is the primary of { $txn }: it has not committed, so it is aborted for good
locking-read-fenced = refuses { $txn }'s read of { $row }: token { $token } is older than the fence { $fence }
locking-read-fence-raised = raises the fence of { $row } to token { $token } ({ $txn }'s): older tokens are refused from now on
locking-refused = { $txn }: { $outcome }
locking-release-unknown = is told to release { $txn }'s locks but holds none for it: nothing to release
locking-release-before-write = { $txn } unlocks before writing — the mistake
locking-renew-unknown = does not know { $txn } (its first lock request is still on its way, or the table was lost): nothing to renew
locking-resolved-apply = learns { $txn }'s fate from its primary and applies its pending writes
locking-resolved-drop = learns { $txn }'s fate from its primary and drops its pending writes
locking-resolved-in-progress = { $txn } is still in progress at its primary: its pending writes stay
locking-resolved-nothing = learns { $txn }'s fate, but has no pending writes of it any more: nothing to settle
locking-revoke-deadlock = chosen as the deadlock victim
locking-revoke-lease = its lease expired
locking-revoke-timeout = waited too long for a lock
locking-revoke-unknown = the lock manager no longer knows it
locking-revoke-ended = the lock service's log already ended it (released, or its lease expired)
locking-redis-held = { $row } is held by { $holder }: no for { $txn }
locking-raft-propose = logs { $txn }'s lock request for { $row } at index { $index }
locking-raft-granted = applies index { $index }: { $row } is granted to { $txn }, fencing token { $index } (the grant's log index)
locking-raft-held = applies index { $index }: { $row } is held by { $holder }: no for { $txn }
locking-raft-released = applies index { $index }: { $txn } releases { $rows } { $rows ->
    [one] row
   *[other] rows
}
locking-raft-ended = applies index { $index }: { $txn } ends, holding no row (a later request of it is refused)
locking-raft-expire = { $txn }'s lease ran out on the leader's clock: logs its expiry at index { $index }
locking-raft-expired = applies index { $index }: { $txn }'s lease expired, { $rows } { $rows ->
    [one] row is
   *[other] rows are
} free again
locking-raft-leases-taken-over = takes over { $n } { $n ->
    [one] lease
   *[other] leases
}, each for { $ms } ms from now (a new leader cannot know when the old one last heard a renewal)
locking-redis-set = sets { $row } = { $txn } for { $ms } ms (SET NX PX)
locking-redlock-acquired = { $txn } holds { $row }: { $granted } of { $servers } servers granted it, valid for { $ms } ms more on its own clock
locking-revoke-wounded = wounded by an older transaction
locking-rollback-nothing = has no pending writes of { $txn }: nothing to drop
locking-shopper-late = a late answer for { $txn }, an attempt that is over, is ignored
locking-shopper-resume = restarts and resumes { $txn } where it stopped ({ $phase })
locking-wait = { $txn } waits for { $row }, behind { $blockers }
locking-wait-fenced = { $txn } waits for { $row }: the row is being fenced
locking-why-aborted = already aborted
locking-why-conflict = conflict on { $row }
locking-why-fenced = fenced out of { $row }
locking-why-held = { $row } is held by another transaction
locking-why-primary-aborted = the primary aborted it
locking-why-redlock-late = the majority came too late ({ $ms } ms): no validity left
locking-why-redlock-no-majority = { $refused } of { $servers } lock servers said no: no majority left
locking-why-revoked = its locks were taken: { $why }
locking-write-aborted = refuses { $txn }'s write: it was already aborted here
locking-write-conflict = refuses { $txn }'s write: { $row } changed since it was read (or another write is pending)
locking-write-fenced = refuses { $txn }'s write to { $row }: its fencing token is older than the fence — its lock was revoked
msg-checkout = request #{ $id } for customer { $customer }
msg-reply = request #{ $id }: { $outcome }
msg-read = read #{ $id }: how many of item { $item } are left?
msg-read-reply = read #{ $id }: { $units } left
outcome-confirmed = confirmed as order { $order } ({ $total })
outcome-contention = aborted: lost to concurrent checkouts on every retry
outcome-busy = aborted: busy, try again (what it needs is held by a checkout still in progress)
outcome-gave-up = aborted: no answer after every retry
outcome-insufficient-funds = rejected: wallet cannot pay { $total }
outcome-out-of-stock = rejected: item { $item } out of stock
outcome-vote-timeout = aborted: not every service voted in time
paxos-accept-anything = accepts { $value } in slot { $slot } at ballot { $ballot } although it promised { $promised } — the mistake
paxos-attempt-timeout = no majority answered for slot { $slot } in time: tries again
paxos-backoff = backs off for { $wait_ms } ms before trying again (random, growing with each loss)
paxos-catchup = has missed decisions from slot { $slot } on: asks the other order services
paxos-duel = loses slot { $slot }: ballot { $ballot } is beaten by { $beaten_by } — two proposers are duelling
paxos-leader-silent = the stable leader did not answer request #{ $id }: proposes it itself
paxos-learn = learns that slot { $slot } holds { $value }
paxos-msg-accept = slot { $slot }, ballot { $ballot }: { $value }
paxos-msg-catchup = which values were chosen from slot { $from } on?
paxos-msg-decided = { $n } chosen { $n ->
        [one] value
       *[other] values
    }
paxos-msg-forward = request #{ $id } from node { $shopper }
paxos-msg-nack = slot { $slot }: ballot { $ballot } refused, { $promised } promised
paxos-msg-prepare = slot { $slot }, ballot { $ballot }
paxos-msg-prepare-open = slot { $slot } and after, ballot { $ballot }
paxos-msg-prior = slot { $slot }: { $value } at { $ballot }
paxos-msg-promise = slot { $slot }, ballot { $ballot }: promised; { $prior }
paxos-msg-promise-fresh = slot { $slot }, ballot { $ballot }: promised; nothing accepted before
paxos-prepare = prepares slot { $slot } with ballot { $ballot }
paxos-prepare-again = prepares slot { $slot } with ballot { $ballot } (round { $rounds } for this slot)
paxos-prepare-open = prepares slot { $slot } and every later slot with ballot { $ballot }
paxos-prepare-open-again = prepares slot { $slot } and every later slot with ballot { $ballot } (round { $rounds } for this slot)
paxos-prepare-refused = refuses ballot { $ballot } for slot { $slot }: it promised { $promised } — a higher ballot wins
paxos-acceptor-retired = ignores it: this acceptor came back with an empty disk and forgot its promises and acceptances, so it answers nothing ever again (answering could break a promise or hide a chosen value)
paxos-promised-ignore = ignores { $value }, reported accepted, and proposes its own checkout — the mistake
paxos-promised-prior = a majority promised ballot { $ballot }; one reported { $value } accepted at { $at } — it must propose that value, not its own
paxos-propose-no-prepare = proposes { $value } for slot { $slot } straight away, without a prepare phase
paxos-restart = restarts and rebuilds its shop from the { $n } { $n ->
        [one] decision
       *[other] decisions
    } in its order log on disk
paxos-slot-lost = its checkouts lost slot { $slot }: it will propose them again in a later slot
paxos-value-noop = no-op
raft-append = appends request #{ $id } at index { $index } (term { $term }) and replicates it
raft-read-local = answers read #{ $id } from its own copy at once, without checking that it still leads (the stale-read mistake: a deposed leader answers from a state the new leader has moved past)
raft-read-log = logs read #{ $id } as an empty entry at index { $index } (term { $term }): it is answered when that entry is applied
raft-read-index = read #{ $id }: read index { $index }; first a heartbeat round a majority must acknowledge, to be sure no other leader was elected (ReadIndex)
raft-read-lease-expired = read #{ $id }: its lease has run out, so it confirms leadership with a heartbeat round first (read index { $index })
raft-read-lease = answers read #{ $id } at once: its lease holds { $left_ms } ms more on its own clock (safe only while clocks drift less than the bound)
raft-read-served = answers read #{ $id }: a majority confirmed its leadership and it has applied index { $index }
raft-vote-ignored-lease = ignores node { $from }'s vote request for term { $term }: it heard from the leader { $ago_ms } ms ago, within the election timeout, so that leader's lease may still hold
raft-vote-ignored-own-lease = ignores node { $from }'s vote request for term { $term }: its own lease holds { $left_ms } ms more, and no one can be elected before it ends
raft-vote-ignored-check-quorum = ignores node { $from }'s vote request for term { $term }: it heard from its leader { $ago_ms } ms ago, within the election timeout (CheckQuorum: a server that hears its leader keeps it)
raft-append-refused-short = refuses the entries after index { $prev_index }: its log ends at index { $last_index } there — the consistency check
raft-append-refused-term = refuses the entries after index { $prev_index }: its log has term { $conflict_term }, not { $prev_term }, there — the consistency check
raft-candidate = hears no leader before its election timeout: becomes candidate for term { $term }, votes for itself
raft-candidate-prevoted = { $votes } of { $servers } servers would vote for it: becomes candidate for term { $term }, votes for itself
raft-check-quorum-step-down = heard from only { $heard } of { $servers } servers (itself included) in the last { $ms } ms, no majority: steps down to follower (CheckQuorum)
raft-commit = index { $index } is stored on { $replicas } of { $servers } servers and is from the current term: commits up to { $index }
raft-commit-old-term = index { $index } (term { $term }) is stored on a majority: commits it although it is from an older term — the Figure 8 mistake
raft-copy-whole-log = sees the higher term { $term } and copies candidate node { $from }'s log wholesale ({ $entries } { $entries ->
        [one] entry
       *[other] entries
    })
raft-follow = hears leader node { $from } of term { $term }: becomes its follower
raft-leader-won = wins a majority ({ $votes } of { $servers } votes) and leads term { $term }
raft-leader-won-noop = wins a majority ({ $votes } of { $servers } votes) and leads term { $term }; appends a no-op entry at index { $index } so entries from earlier terms can commit
raft-msg-ack = term { $term }: stored up to index { $match_index }
raft-msg-ack-refused = term { $term }: refused; back off to index { $conflict_index } (my term there: { $conflict_term })
raft-msg-append = term { $term }, after index { $prev_index } (term { $prev_term }): { $entries } { $entries ->
        [one] entry
       *[other] entries
    }, commit index { $commit }
raft-msg-redirect = request #{ $id }: I am not the leader; try node { $leader }
raft-msg-redirect-unknown = request #{ $id }: I am not the leader and know no leader
raft-msg-request-vote = term { $term }, my log ends at index { $last_index } (term { $last_term })
raft-msg-request-vote-log = term { $term }, my log ends at index { $last_index } (term { $last_term }), with my whole log attached
raft-msg-request-prevote = would you vote for me in term { $term }? My log ends at index { $last_index } (term { $last_term })
raft-msg-prevote-granted = term { $term }: I would vote for you
raft-msg-prevote-refused = term { $term }: I would not
raft-msg-vote-granted = term { $term }: granted
raft-msg-vote-refused = term { $term }: refused
raft-restart = restarts as a follower: term { $term }, its vote and its log ({ $entries } { $entries ->
        [one] entry
       *[other] entries
    }) come back from disk; the shop is rebuilt as entries commit again
raft-pre-candidate = hears no leader before its election timeout: asks the others whether they would vote for it in term { $term } (Pre-Vote), without raising its own term
raft-prevote-granted = would vote for node { $from } in term { $term } (a pre-vote: its own term and vote stay as they are)
raft-prevote-refused = would not vote for node { $from }: { $why }
raft-prevote-why-term = it asks about term { $term }, and mine is already { $current }
raft-prevote-why-leader = I lead term { $current }
raft-prevote-why-heard = I heard from leader node { $leader } { $ago_ms } ms ago, within the election timeout
raft-prevote-why-heard-recently = less than an election timeout has passed since I last heard a leader or restarted ({ $ago_ms } ms)
raft-role-candidate = candidate
raft-role-follower = follower
raft-role-pre-candidate = pre-candidate
raft-role-leader = leader
raft-step-down = sees term { $term }, higher than its own: steps down from { $role } to follower
raft-truncate = deletes { $truncated } conflicting { $truncated ->
        [one] entry
       *[other] entries
    } and takes the leader's
raft-vote-granted = votes for node { $from } in term { $term }
raft-vote-granted-unchecked = votes for node { $from } in term { $term } without checking logs — its log ends in term { $last_term }, mine in { $my_last_term }
raft-vote-refused = refuses its vote to node { $from }: { $why }
raft-vote-why-log = its log ends at index { $last_index } in term { $last_term }, mine at { $my_last_index } in term { $my_last_term } — the election restriction
raft-vote-why-learner = I came back with an empty disk and may have voted before in a term I no longer remember: a learner never votes
raft-learner = starts on a replacement machine with an empty disk, as a learner: it stores and acknowledges the leader's entries but never votes nor stands for election (a vote it gave before is gone; making it a voter again is a membership change)
raft-learner-seen = n{ $from } answers as a learner (a replacement with an empty disk): its copies never count toward a majority, since it no longer knows the terms it saw
raft-vote-why-stale-term = its term { $term } is older than mine ({ $current })
raft-vote-why-voted = I already voted for node { $other } in term { $current }
single-restart-disk = restarts and reads its orders back from disk: nothing it confirmed is lost
single-restart-memory = restarts with an empty memory: every order it confirmed before the crash is gone
single-retry-dedup = has seen request #{ $id } before (a retry): it repeats its answer and charges nothing
single-retry-no-dedup = handles retried request #{ $id } as new: { $outcome } — a second charge
single-run-disk = runs request #{ $id } atomically: { $outcome }, written to disk, then replies
single-run-memory = runs request #{ $id } atomically: { $outcome }, kept in memory only, then replies
twopc-ack-unknown = gets node { $from }'s acknowledgement of txn #{ $txn }, which its log does not hold: nothing to finish
twopc-ask-never-voted = never voted on txn #{ $txn }: aborts it on its own and says so
twopc-begin = begins txn #{ $txn } (logged) and asks { $services } services to prepare
twopc-blocked = blocked on txn #{ $txn } for { $waited_ms } ms, holding { $held }: it voted YES and must wait
twopc-decide-abort = decides ABORT for txn #{ $txn }, logs it to disk, then tells every participant
twopc-decide-abort-unlogged = decides ABORT txn #{ $txn } and sends it — without logging it first
twopc-decide-commit = decides COMMIT for txn #{ $txn }, logs it to disk, then tells every participant
twopc-decide-commit-unlogged = decides COMMIT txn #{ $txn } and sends it — without logging it first
twopc-decision-abort-opposite = is told to abort txn #{ $txn }, but it already did the opposite
twopc-decision-abort-unknown = never prepared txn #{ $txn }: nothing to undo — it remembers the abort, so a late PREPARE gets NO
twopc-decision-commit-opposite = is told to commit txn #{ $txn }, but it already did the opposite
twopc-decision-commit-unknown = is told to commit txn #{ $txn }, which it never prepared
twopc-held-units = { $units } { $units ->
        [one] unit
       *[other] units
    } of stock
twopc-heuristic-commit = uncertain about txn #{ $txn } for { $waited_ms } ms: commits on its own — the mistake
twopc-msg-abort = txn #{ $txn }: ABORT
twopc-msg-ack = txn #{ $txn }: done
twopc-msg-ask = txn #{ $txn }: do you know the decision?
twopc-msg-commit = txn #{ $txn }: COMMIT
twopc-msg-prepare-pay = txn #{ $txn }: hold { $amount } of customer { $customer }
twopc-msg-prepare-stock = txn #{ $txn }: reserve { $lines } { $lines ->
        [one] line
       *[other] lines
    } of stock
twopc-msg-tell-aborted = txn #{ $txn }: it aborted
twopc-msg-tell-committed = txn #{ $txn }: it committed
twopc-msg-tell-uncertain = txn #{ $txn }: I am uncertain too
twopc-msg-vote-no = txn #{ $txn }: NO
twopc-msg-vote-no-why = txn #{ $txn }: NO — { $outcome }
twopc-msg-vote-yes = txn #{ $txn }: YES, prepared
twopc-restart-prepared = restarts with { $n } prepared { $n ->
        [one] transaction
       *[other] transactions
    } on disk: still uncertain, still holding
twopc-restart-presumed-abort = restarts: txn #{ $txn } has no decision in the log, so it aborts (presumed abort)
twopc-tell-aborted = learns from node { $from } that txn #{ $txn } aborted: cooperative termination unblocks it
twopc-tell-committed = learns from node { $from } that txn #{ $txn } committed: cooperative termination unblocks it
twopc-tell-unknown = learns from node { $from } how txn #{ $txn } ended, but it never prepared it: nothing to settle
twopc-vote-no = votes NO on txn #{ $txn } ({ $outcome }) and forgets it
twopc-vote-own-commit = its own check passes: commits txn #{ $txn } at once — the mistake
twopc-vote-unknown = gets node { $from }'s vote on txn #{ $txn }, which its log does not hold: nothing to count
twopc-vote-yes = reserves for txn #{ $txn }, writes “prepared” to disk, votes YES: now uncertain
twopc-votes-timeout = not every vote on txn #{ $txn } arrived in time: aborts it

## The event log's own lines (src/model.rs): what happened, around what the nodes say.
log-note = { $who }: { $what }
log-send = { $from } → { $to }: { $label } #{ $id } { $detail }
log-send-bare = { $from } → { $to }: { $label } #{ $id }
log-dup = the network duplicates message #{ $id } (copy #{ $copy })
log-by-you = you: { $what }
log-dup-user = you deliver message #{ $id } twice: a copy (#{ $copy }) is on its way
log-delay = you hold message #{ $id } back: it now arrives at { $at_s } s
log-deliver = { $to } receives #{ $id } from { $from }
log-drop-loss = message #{ $id } { $from } → { $to } lost by the network
log-drop-partition = message #{ $id } { $from } → { $to } stopped by the partition
log-drop-user = message #{ $id } { $from } → { $to } dropped by you
log-drop-down = message #{ $id } { $from } → { $to } not received: the receiver is down
log-timer = { $node }: { $timer ->
        [attempt] attempt
        [back-off] back-off
        [deadlock-check] deadlock check
        [election] election
        [check-quorum] check quorum
        [fence-again] fence again
        [heartbeat] heartbeat
        [leader-silent] leader silent
        [lease-check] lease check
        [lock-wait-timeout] lock wait timeout
        [pending-write-expired] pending write expired
        [renew-lease] renew lease
        [resend-decision] resend decision
        [retry] retry
        [step] step
        [uncertain] uncertain
        [vote-timeout] vote timeout
       *[other] { $timer }
    } timer fires
log-crash = { $node } crashes: its memory is gone, its disk is kept
log-restart = { $node } restarts from its disk
log-pause = { $node } pauses (a stop-the-world pause): alive, but it handles nothing and no timer of it fires; what is sent to it waits
log-resume = { $node } resumes after { $ms } ms and handles { $backlog ->
        [0] nothing that waited
        [one] the one event that waited
       *[other] the { $backlog } events that waited
    }, still believing what it believed before the pause
log-slow = { $node } is slow: each message costs it { $ms } ms, and messages queue behind it
log-slow-off = { $node } is back to normal speed
log-disk = { $node }'s disk now takes { $ms } ms to fsync: a write is durable only then, and what depends on it waits
log-synced = { $node }'s fsync completes: its writes are durable, and { $released } waiting messages leave
log-wipe = { $node } is replaced by a machine with an empty disk: everything it had written is gone, and it rejoins only as far as its protocol allows
log-clock = { $node }'s clock is now { $offset } s off true time and runs { $drift } % fast: every reading of it (leases, deadlines) sees that, and its timers run at its pace
log-partition = partition: { $groups } | the rest
log-cut = one-way cut: { $from } can no longer reach { $to }
log-heal = the network heals: every link works again
log-network-all = every link: latency { $min_ms }–{ $max_ms } ms, loss { $loss }%, duplication { $dup }%
log-network-link = link { $from } → { $to }: latency { $min_ms }–{ $max_ms } ms, loss { $loss }%, duplication { $dup }%
log-submit = { $node } starts checkout #{ $id }: customer { $customer } buys { $basket }
log-outcome = { $node }: checkout #{ $id } { $outcome } in { $ms } ms
log-read = { $node } asks how many of item { $item } are left (read #{ $id })
log-read-answer = { $node }: read #{ $id } says { $units } of item { $item } left, in { $ms } ms
log-violation = ⚠ { $invariant } broken: { $detail }
log-stop-end = the run ends: reached the end of the scenario's time
log-stop-limit = the run ends: stopped early: the limit { $what } = { $value } was reached
