# English: the guided tours, their steps and their questions, keyed `tour.…`.
# Each tour: title, lesson, step1…stepN (numbered from 1, like the `&step=` of a step's link); a step that asks the
# class to predict has stepK-ask, one message per choice and stepK-why (shown with the answer).

## What every tour shows around its steps.
tour-ui-heading = Guided tours
tour-ui-intro = Scripted runs with narration, step by step: press a tour, then Next and Previous (or PageDown and PageUp on a presenter remote). Each step jumps to its moment and pauses, so a class can look before going on; some steps first ask the class to predict what happens next. Every step has its own link: the address bar follows the step.
tour-ui-summary = { $lesson } · { $steps } steps · { $questions } { $questions ->
        [one] question
       *[other] questions
    }
tour-ui-card = Tour
tour-ui-leave = Leave the tour
tour-ui-step-of = Step { $k } of { $n }
tour-ui-link = Link to this step
tour-ui-link-title = This step's own link: it opens the tour at this step, at its moment
tour-ui-previous = ◀ Previous
tour-ui-next = Next ▶
tour-ui-predict = Predict:
tour-ui-waiting = Your answer: { $choice }. Playing on to see…
tour-ui-right = Right: { $answer }.
tour-ui-wrong = Not this time: you chose “{ $choice }”, and the run shows “{ $answer }”.
tour-ui-shown = The run shows: { $answer }.
tour-ui-votes = { $n } { $n ->
        [one] vote
       *[other] votes
    }

## One database: crash, retry, no double charge.
tour-single-retry-title = One database: crash, retry, no double charge
tour-single-retry-lesson = why retries need request ids
tour-single-retry-step1 = Three shoppers send checkouts to one database. It runs each checkout atomically and writes it to disk before it answers.
tour-single-retry-step2 = The first request arrives: stock and wallet change together, the order goes to disk, then the reply leaves. Nothing is confirmed that is not on disk.
tour-single-retry-step3 = The database crashes now. Its memory is gone; its disk is kept. It had just written request #18 to disk and sent its reply.
tour-single-retry-step3-ask = Does shopper3 get its confirmation for request #18?
tour-single-retry-step3-yes = Yes: the reply is already on its way
tour-single-retry-step3-no = No: the crash lost the reply, so the shopper will retry
tour-single-retry-step3-why = A message already on the wire still arrives when its sender crashes. And the confirmation is true: the order was on disk before the reply left, so the database still has it after its restart. Watch the next shoppers, though: while it is down, they get no answer.
tour-single-retry-step4 = A shopper's retry timer fires. It sends the same request again, with the same request id: if the first attempt had gone through, the database would recognise it and not charge twice.
tour-single-retry-step5 = The database restarts and reads its orders back from disk: nothing it confirmed is lost.
tour-single-retry-step6 = The third attempt gets through: one order, one charge, however many times the shopper had to ask.

## Raft: election, then the leader crashes.
tour-raft-leader-crash-title = Raft: election, then the leader crashes
tour-raft-leader-crash-lesson = randomized timeouts, majorities, the new leader
tour-raft-leader-crash-step1 = Five servers start as followers with no leader. Each waits a randomized election timeout; whoever's timer fires first first asks the others whether they would vote for it (Pre-Vote, on in etcd), then for their votes.
tour-raft-leader-crash-step2 = A timer fired and a majority said it would vote: this server becomes a candidate for term 1, votes for itself and asks everyone else for a vote.
tour-raft-leader-crash-step2-ask = How many votes must it collect to lead this five-server cluster?
tour-raft-leader-crash-step2-why = A majority of five is three, the candidate's own vote included. Any two majorities share a server, and a server votes only once per term, so no term can have two leaders: a second candidate in the same term is refused.
tour-raft-leader-crash-step3 = It collected a majority (3 of 5) and is leader of term 1. The others learn it from its heartbeats and become followers.
tour-raft-leader-crash-step4 = The first checkout is confirmed: the leader appended it to its log, copied it to a majority, and only then answered.
tour-raft-leader-crash-step5 = The leader n0 crashes now. Followers stop hearing heartbeats; watch which follower's election timer fires first.
tour-raft-leader-crash-step5-ask = Which server will stand for election first? Look at the timer rings.
tour-raft-leader-crash-step5-why = Its randomized election timeout ran out first (its ring was the emptiest). Because the timeouts are random, two followers rarely start an election at the same moment and split the vote.
tour-raft-leader-crash-step6 = This follower's timer fired first: once a majority says it would vote for it (the pre-vote), it starts term 2. Voters only vote for a candidate whose log is at least as up to date as their own, so no confirmed order can be lost.
tour-raft-leader-crash-step7 = n3 won term 2. Followers now send shoppers to the new leader; checkouts flow again.
tour-raft-leader-crash-step8 = n0 restarts from disk as a follower of the old term. It learns of term 2 from the new leader and catches its log up.

## Paxos: choosing values with a majority.
tour-paxos-acceptor-crash-title = Paxos: choosing values with a majority
tour-paxos-acceptor-crash-lesson = prepare / accept, and why 2 of 3 is enough
tour-paxos-acceptor-crash-step1 = Two order services (proposers) choose which checkout fills each slot of the order log. Three acceptors vote; a value is chosen once a majority accepts it.
tour-paxos-acceptor-crash-step2 = Phase 1: the proposer asks the acceptors to promise to ignore any lower ballot, and to tell it what they already accepted.
tour-paxos-acceptor-crash-step2-ask = orders2 prepares slot 1 with ballot 1.4; a moment later orders1 prepares the same slot with ballot 1.3. Which ballot do the acceptors keep?
tour-paxos-acceptor-crash-step2-higher = 1.4, orders2's
tour-paxos-acceptor-crash-step2-lower = 1.3, orders1's
tour-paxos-acceptor-crash-step2-why = An acceptor that promised ballot 1.4 refuses anything lower, whichever arrives first. The higher ballot wins; the loser backs off for a random time and tries again with a higher ballot, so two proposers do not duel forever.
tour-paxos-acceptor-crash-step3 = Phase 2 done: a majority accepted checkout #1 in slot 1, so it is chosen, forever. Every proposer learns the same value.
tour-paxos-acceptor-crash-step4 = acceptor1 crashes now. Two acceptors are left.
tour-paxos-acceptor-crash-step4-ask = Can the order services still choose a value for the next slot?
tour-paxos-acceptor-crash-step4-yes = Yes, with the two acceptors left
tour-paxos-acceptor-crash-step4-wait = Not until acceptor1 restarts
tour-paxos-acceptor-crash-step4-never = No: every acceptor must accept
tour-paxos-acceptor-crash-step4-why = Two of three is a majority, and a majority is all Paxos needs: the next slot is chosen before acceptor1 is back.
tour-paxos-acceptor-crash-step5 = A slot is chosen without acceptor1: any two majorities of three share an acceptor, and that overlap is what keeps two different values from both being chosen.
tour-paxos-acceptor-crash-step6 = acceptor1 restarts. Its promises and accepted values come back from disk: an acceptor that forgot its promises could let an old ballot win.

## Two-phase commit: the coordinator crashes.
tour-2pc-blocking-title = Two-phase commit: the coordinator crashes
tour-2pc-blocking-lesson = why 2PC blocks
tour-2pc-blocking-step1 = The order service coordinates each checkout across the stock shards and the payment service: first everyone prepares, then everyone commits or everyone aborts.
tour-2pc-blocking-step2 = Phase 1: the coordinator logs the transaction and asks the services it touches to prepare.
tour-2pc-blocking-step3 = A participant reserves the stock, writes “prepared” to disk and votes YES. From now on it may not decide alone: it is uncertain.
tour-2pc-blocking-step4 = Every vote was YES: the coordinator logs COMMIT, then tells everyone. The decision is the log record, not the messages.
tour-2pc-blocking-step5 = The coordinator crashes now, just after asking to prepare transaction #20.
tour-2pc-blocking-step5-ask = The participants vote YES for #20 and then hear nothing. What do they do?
tour-2pc-blocking-step5-commit = Commit on their own
tour-2pc-blocking-step5-abort = Abort on their own
tour-2pc-blocking-step5-wait = Wait, holding the stock and the money
tour-2pc-blocking-step5-why = By voting YES a participant promised to commit if the coordinator decides so, and only the coordinator knows its decision. Committing alone would break atomicity if it had decided to abort, and aborting alone if it had decided to commit. So it waits.
tour-2pc-blocking-step6 = The participants voted YES and hear nothing. They hold stock and money and can neither commit nor abort: this is 2PC's blocking problem. Watch the blocked-time chart.
tour-2pc-blocking-step6-ask = When the coordinator comes back, what will it decide for #20?
tour-2pc-blocking-step6-commit = COMMIT
tour-2pc-blocking-step6-abort = ABORT
tour-2pc-blocking-step6-why = Its log holds no decision for #20, so it cannot have told anyone to commit: it presumes abort. Had it logged COMMIT before crashing, it would have to commit.
tour-2pc-blocking-step7 = The coordinator restarts and reads its log.
tour-2pc-blocking-step8 = No decision was logged for #20, so it presumes abort and tells everyone: the reserved stock and money are released.

## Pessimistic locking: deadlock, leases and fencing.
tour-pessimistic-deadlock-title = Pessimistic locking: deadlock, leases and fencing
tour-pessimistic-deadlock-lesson = wait-for cycles, and why a lock needs a fencing token
tour-pessimistic-deadlock-step1 = A lock manager hands out locks on rows (stock of each item, each wallet). A checkout locks every row it writes, writes, commits, then unlocks.
tour-pessimistic-deadlock-step2 = Two carts start together, in opposite order: one locks mug then tee, the other tee then mug.
tour-pessimistic-deadlock-step3 = A checkout waits for a lock another holds. The lock table in the lock manager's box shows the queue.
tour-pessimistic-deadlock-step3-ask = #14.1 and #15.1 want mug and tee in opposite orders. Which one will the lock manager abort?
tour-pessimistic-deadlock-step3-older = #14.1, the older one
tour-pessimistic-deadlock-step3-younger = #15.1, the younger one
tour-pessimistic-deadlock-step3-neither = Neither: they only have to wait
tour-pessimistic-deadlock-step3-why = Each ends up holding what the other waits for: a cycle that waiting never breaks. The lock manager breaks it by aborting the youngest checkout in the cycle: it has done the least work, and the oldest always gets through, so no checkout starves.
tour-pessimistic-deadlock-step4 = Each waits for the other: a cycle in the wait-for graph (drawn red in the side panel). Nobody can move.
tour-pessimistic-deadlock-step5 = The lock manager aborts the youngest checkout in the cycle; it backs off and retries, and both carts get through.
tour-pessimistic-deadlock-step6 = A shopper crashes just after sending its writes, holding locks.
tour-pessimistic-deadlock-step6-ask = What happens to the locks the crashed shopper holds?
tour-pessimistic-deadlock-step6-kept = They stay locked until it restarts
tour-pessimistic-deadlock-step6-lease = The lock manager takes them back when their lease runs out
tour-pessimistic-deadlock-step6-free = Other checkouts may take them at once
tour-pessimistic-deadlock-step6-why = A lock is only lent for a lease. When the lease runs out the lock manager takes the locks back, so a crashed holder cannot block everyone forever; a fencing token then keeps its late writes out.
tour-pessimistic-deadlock-step7 = Its lease runs out: the lock manager takes the locks back. Before it grants them again it fences the rows, so the storage refuses any write with an older token.
tour-pessimistic-deadlock-step8 = The storage nodes confirm the fence. Even if the crashed shopper's old write shows up late, it will be refused.

## Optimistic locking: six shoppers, one mug.
tour-optimistic-mug-title = Optimistic locking: six shoppers, one mug
tour-optimistic-mug-lesson = versions, conflicts and back-off
tour-optimistic-mug-step1 = No locks: each checkout reads rows with their version, then writes only if the version is unchanged.
tour-optimistic-mug-step2 = Six shoppers buy a mug at the same moment. All six read the same version.
tour-optimistic-mug-step2-ask = All six send a write for the version they read, and only one can win. What happens to the others?
tour-optimistic-mug-step2-overwrite = They overwrite the winner's write
tour-optimistic-mug-step2-wait = They wait for a lock
tour-optimistic-mug-step2-refused = The storage refuses them
tour-optimistic-mug-step2-why = The storage compares the version each write read with the row's current one and refuses a write whose version is stale. There are no locks to wait for: a refused checkout backs off and tries again with fresh values, so no update is lost.
tour-optimistic-mug-step3 = The storage refuses a write: the mug changed since it was read. The box flashes red: this is a conflict, not an error.
tour-optimistic-mug-step4 = The loser backs off for a random time (longer each attempt) and tries again with fresh values.
tour-optimistic-mug-step5 = One write wins per version. The others retry; no update is lost.

## The textbook mistake: writing without checking the version.
tour-optimistic-lost-update-title = The textbook mistake: writing without checking the version
tour-optimistic-lost-update-lesson = lost updates (article §4.5)
tour-optimistic-lost-update-step1 = The optimistic shop again, but the storage writes without comparing versions, as in the article's snippet. Watch what happens when two checkouts read the same row.
tour-optimistic-lost-update-step1-ask = Two checkouts read the same stock of mugs, and each writes back what it read minus what it buys. What does the stock count end up saying?
tour-optimistic-lost-update-step1-both = Both sales are taken off
tour-optimistic-lost-update-step1-lost = One sale vanishes from the count
tour-optimistic-lost-update-step1-refused = The second write is refused
tour-optimistic-lost-update-step1-why = The second write puts back the value its checkout read, minus its own sale: it overwrites the first sale instead of adding to it. Without the version check nothing notices that the row changed in between: an invariant breaks, a lost update.
tour-optimistic-lost-update-step2 = An invariant breaks: two checkouts read the same stock and both wrote “one less”, so one sale vanished from the stock count: a lost update. The explorer paused at the exact event; step back with ← to see the two reads.
tour-optimistic-lost-update-step3 = Later six shoppers buy a mug at the same moment. Nobody is refused any more: every write lands, and the count goes wrong again.

tour-paused-holder-title = The paused lock holder: leases and fencing tokens
tour-paused-holder-lesson = why a lease alone is not a lock, and how a fencing token saves the row
tour-paused-holder-step1 = One lock manager lends each lock for a lease (500 ms, renewed while the holder works) and stamps every grant with a fencing token, a number larger than every earlier one. The storage nodes remember the newest token they were told to fence at. Shopper0 buys a mug.
tour-paused-holder-step2 = Shopper0 holds the mug's lock and has read the stock — then its process freezes just before it writes (a long garbage-collection pause, a VM migration). It cannot renew its lease, and the link from the lock manager to it is cut: a holder cannot count on hearing that its lease ended.
tour-paused-holder-step2-ask = Shopper1 wants a mug while shopper0 sleeps. What does the lock manager do?
tour-paused-holder-step2-wait = Makes shopper1 wait until shopper0 wakes
tour-paused-holder-step2-lease = Takes the lock back when the lease runs out, and fences the row
tour-paused-holder-step2-at-once = Gives shopper1 the lock at once
tour-paused-holder-step2-why = A lock is only lent for a lease, so a frozen or crashed holder cannot block everyone forever. Before granting the lock again, the lock manager tells the storage to refuse every token older than the next one.
tour-paused-holder-step3 = The lease ran out: the lock manager takes the locks back and fences the rows at the storage.
tour-paused-holder-step4 = Shopper1 gets the lock with a newer token and sells a mug. Shopper0 still sleeps, sure it holds the lock.
tour-paused-holder-step5 = Shopper0 wakes up and at once sends the write it computed before the pause: the old stock minus one.
tour-paused-holder-step5-ask = What happens to shopper0's write?
tour-paused-holder-step5-refused = The storage refuses it: its token is older than the fence
tour-paused-holder-step5-lost = It lands on top of shopper1's sale
tour-paused-holder-step5-why = The write carries the token of a lock that was taken back. The storage itself checks it against the fence, so it does not matter what shopper0 believes, how long it slept or whether its clock is right.
tour-paused-holder-step6 = Fenced. Shopper0 learns its lock is gone, retries with a new lock and a fresh read, and both mugs are counted. The next tour runs the same pause with Redlock, which has no such token.

tour-redlock-title = Redlock: a majority of locks, no fencing token
tour-redlock-lesson = the Redlock debate (Kleppmann and antirez), shown step by step
tour-redlock-step1 = Redlock, as the Redis documentation describes it: five independent Redis servers. A shopper asks all five for a row (SET NX PX) and holds it once a majority (3) granted it, for a validity measured on its own clock. Each server's keys are its own: nothing orders the grants across servers, so there is no fencing token.
tour-redlock-step2 = Shopper0 holds the mug: a majority granted it, valid for a few hundred milliseconds more on its own clock, extended in the background while it works.
tour-redlock-step3 = Shopper0 has read the stock — then its process freezes just before it writes. While it is frozen, nothing extends its keys.
tour-redlock-step3-ask = Shopper1 wants a mug while shopper0 sleeps. What happens?
tour-redlock-step3-refused = Shopper1 is refused until shopper0 wakes
tour-redlock-step3-expire = The keys expire and shopper1 takes the lock from a majority
tour-redlock-step3-why = Every key was set with a time to live. Nobody extends them while shopper0 is frozen, so each server lets them expire and grants the row to the next asker — exactly as designed, so that a dead client cannot hold a lock forever.
tour-redlock-step4 = Two shoppers now hold the mug's lock: a majority granted it to shopper1 once the keys had expired, and shopper0, asleep, still holds it as far as it knows. The checker flags it: mutual exclusion, as the shoppers hold their locks. Nothing has gone wrong in the stock yet.
tour-redlock-step5 = Shopper1 sells a mug and is told so. Shopper0 still sleeps, sure it holds the lock.
tour-redlock-step6 = Shopper0 wakes up and at once sends the write it computed before the pause: the old stock minus one.
tour-redlock-step6-ask = What happens to shopper0's write?
tour-redlock-step6-refused = The storage refuses it, as with fencing
tour-redlock-step6-lost = It lands on top of shopper1's sale: an update is lost
tour-redlock-step6-why = The storage has nothing to compare: no token came with either lock. Checking the validity before writing would only narrow the window — the pause can fall between the check and the write (Kleppmann, "How to do distributed locking"). antirez's answer ("Is Redlock safe?") is to bound pauses and clocks; faults here do not promise that.
tour-redlock-step7 = Two shoppers were told "sold", the stock went down by one. Switch the lock service to single in the setup bar and replay: the lock manager's fencing token refuses the same stale write (the previous tour). The next tour replays it with a lock table replicated by Raft. The fuzzer finds the same loss with partitions and clock steps too.

tour-raft-lock-title = A lock service replicated by Raft: the same pause, fenced
tour-raft-lock-lesson = why etcd and ZooKeeper locks come with a token, and what replication does and does not give
tour-raft-lock-step1 = The same shop and the same pause, but the locks come from a lock table that three servers (n0, n1, n2) replicate with Raft, as etcd or ZooKeeper keep theirs. Every grant, release and lease expiry is a log entry; a lock is granted once its entry is committed on a majority.
tour-raft-lock-step2 = Shopper0 holds the mug. Its fencing token is the index of the log entry that granted it (etcd's revision): a later grant is a later entry, so its token is larger. The lock is on a majority of disks: it would survive the crash of any one server, the leader included.
tour-raft-lock-step3 = Shopper0 has read the stock — then its process freezes just before it writes, and the lock servers' notices cannot reach it. It stops renewing its lease.
tour-raft-lock-step3-ask = Shopper1 wants a mug while shopper0 sleeps. What does the replicated lock service do?
tour-raft-lock-step3-refused = Refuses shopper1 until shopper0 wakes: the lock is on a majority
tour-raft-lock-step3-expire = The leader logs the lease's expiry, and then grants the mug to shopper1
tour-raft-lock-step3-why = Replication makes the lock survive crashes of lock servers, not pauses of its holder. A lock that never expired would stop the shop whenever a holder died, so the leader times the lease on its own clock and, when it runs out, logs the expiry like any other command.
tour-raft-lock-step4 = Shopper1 gets the mug with a larger token: a later log index. Shopper0, asleep, still believes it holds the lock — as it would under Redlock.
tour-raft-lock-step5 = Shopper1's read carries its token. Store1 remembers the highest token it has seen for the row: from now on it refuses any older one.
tour-raft-lock-step6 = Shopper0 wakes up and at once sends the write it computed before the pause: the old stock minus one, with its old token.
tour-raft-lock-step6-ask = What happens to shopper0's write?
tour-raft-lock-step6-refused = The storage refuses it: its token is older than the fence
tour-raft-lock-step6-lost = It lands on top of shopper1's sale, as under Redlock
tour-raft-lock-step6-why = Log indexes order every grant of the service, so the storage can compare tokens and tell a stale holder from the current one. Redlock's five servers have no common order to compare by.
tour-raft-lock-step7 = Fenced: no update is lost, and shopper0 retries with a new lock. What saved the row is the ordered token, checked by the storage — replication alone would not have: without fencing (the no-fencing variant) the same pause loses the sale over Raft too.
tour-raft-prevote-title = Raft without Pre-Vote: a lonely follower deposes a healthy leader
tour-raft-prevote-lesson = term inflation, and the pre-vote round etcd runs before every election
tour-raft-prevote-step1 = Five servers, Pre-Vote switched off for this run (it is on by default, as in etcd). n0 is elected leader of term 1 and the shop runs normally.
tour-raft-prevote-step2 = The network cuts n4 off alone. It stops hearing heartbeats, so its election timer fires, and fires again.
tour-raft-prevote-step3 = Without Pre-Vote every timeout starts a new term: n4 is at term 4 already and climbing. No one hears it, so nothing else changes — for now.
tour-raft-prevote-step4 = The partition heals. n0 still leads term 1 with a majority behind it; n4 comes back with a much higher term.
tour-raft-prevote-step4-ask = What happens to the healthy leader n0?
tour-raft-prevote-step4-keeps = Nothing: n4 falls in line as a follower
tour-raft-prevote-step4-deposed = n0 steps down, and the cluster holds an election it did not need
tour-raft-prevote-step4-why = A server that sees a higher term must adopt it and step down (Figure 2). n4's term, inflated while it was alone, deposes a leader nothing was wrong with. n4 cannot even win (its log is behind), so the cluster only loses time.
tour-raft-prevote-step5 = A leader again, of a far higher term, after a pause in which no checkout could commit. Tick Pre-Vote (the default) and replay: n4 only asks whether it could win, its term never rises, and n0 leads on.
tour-raft-check-quorum-title = Raft without CheckQuorum: a leader that hears nobody
tour-raft-check-quorum-lesson = why etcd's leaders count who answers them and step down alone
tour-raft-check-quorum-step1 = Five servers, CheckQuorum switched off for this run (it is on by default, as in etcd). n0 is elected leader of term 1.
tour-raft-check-quorum-step2 = The network cuts the leader n0 off from everyone. The four others stop hearing heartbeats.
tour-raft-check-quorum-step3 = The majority elected a new leader of term 2, and checkouts flow through it. n0 is still cut off.
tour-raft-check-quorum-step3-ask = What does n0 believe now?
tour-raft-check-quorum-step3-knows = It noticed no one answers and stepped down by itself
tour-raft-check-quorum-step3-believes = It still believes it leads term 1, until it hears of term 2
tour-raft-check-quorum-step3-why = Nothing in basic Raft tells a leader it is alone: it only learns of a new term from a message. Until the partition heals, n0 shows itself as leader, and a client that reaches only n0 waits on it. With CheckQuorum a leader that hears from no majority for an election timeout steps down.
tour-raft-check-quorum-step4 = The partition healed: only now does n0 hear term 2 and step down. Tick CheckQuorum (the default) and replay: n0 steps down within two election timeouts of the cut.
