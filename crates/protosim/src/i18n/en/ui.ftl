# English: the page's own words (buttons, headings, panels, help, errors), keyed `ui.…`.

## The app's header, tabs, banners

ui-title = Checkout protocol explorer
ui-language = Language
ui-text-size-normal = Normal text
ui-text-size-projector = Projector text
ui-tabs = Tools
ui-tab-explore = Explore
ui-tab-compare = Compare
ui-tab-hunt = Bug hunt
ui-tab-tours = Guided tours
ui-dismiss = Dismiss
ui-close = Close
ui-notice-imported = Imported a { $protocol } scenario (seed { $seed }).
ui-notice-hunt-found = Bug hunt: { $summary } The player is paused at the breaking event.
ui-error-link = This link does not hold a scenario this page can run.
ui-error-link-why = { " " }{ $error }. Showing the default scenario instead.
ui-error-setup = That setting cannot run:{ " " }
ui-error-setup-why = { $error }. The run on screen is unchanged.
ui-error-run = This scenario cannot run: { $error }
ui-error-compare = This comparison cannot run: { $error }
ui-loading-title = Simulating a long run…
ui-loading-bar = Simulated so far
ui-loading-progress = t = { $now_s } s of { $until_s } s · { $events } events (the page plays at most { $cap }). The page stays usable meanwhile; choosing another scenario stops this one.
ui-cut-short = This run is longer than the page plays: it was cut after { $events } events, at { $at_s } s of { $until_s } s. Shorten it (fewer seconds, a lower rate) to see its end here, or run it whole with the protosim CLI.

## The explorer: player, time bar, event log, help sheet, footer

ui-player = Playback
ui-player-play = ▶ Play
ui-player-pause = ❚❚ Pause
ui-player-step-back = ◀ Step
ui-player-step-back-tip = ← previous event
ui-player-step = Step ▶
ui-player-step-tip = → next event
ui-player-restart = ↺ Start
ui-player-speed = Speed{ " " }
ui-player-speed-label = Playback speed
ui-player-clock = t = { $s } s
ui-player-clock-end = { " " }/ { $s } s
ui-player-partition = ✂ Partition…
ui-player-partition-tip = split the nodes into two groups that cannot talk
ui-player-heal = ⚕ Heal network
ui-player-heal-tip = remove every partition and cut, from now on
ui-player-time = Simulated time
ui-player-dropped-history = history dropped to save memory
ui-player-uncomputed = not simulated yet: playing waits here until it is
ui-computing = Playing what is simulated so far while the rest is computed: { $progress }
ui-player-mark = { $s } s: { $label }
ui-history-dropped = A long run: to stay within memory the page keeps its playback history from t = { $from_s } s on; the { $lines } log lines before were dropped (shaded on the time bar). Charts, totals, violations and fault marks cover the whole run. Shorten the run to replay its start, or use the protosim CLI.
ui-hint-cluster = Click a node to inspect it, crash it or cut it off; click a message in flight to drop it, deliver it twice or hold it back.
ui-seek-here = click to go to this moment
ui-log = Event log
ui-log-title = Events
ui-log-kind = Show events of kind
ui-log-node = Show events of node
ui-log-all-nodes = all nodes
ui-log-kind-all = all events
ui-log-kind-messages = messages
ui-log-kind-narration = explanations and outcomes
ui-log-kind-faults = faults
ui-log-kind-timers = timers
ui-log-kind-violations = violations
ui-help-title = Keyboard shortcuts
ui-help-keyboard = Keyboard
ui-help-play = play / pause
ui-help-remote-key = . or b
ui-help-remote = play / pause (a presenter remote)
ui-help-tour-steps = next / previous tour step
ui-help-next = step to the next event
ui-help-previous = step back to the previous event
ui-help-up-key = ↑ or +
ui-help-faster = faster
ui-help-down-key = ↓ or -
ui-help-slower = slower
ui-help-start = back to the start
ui-help-help = this help sheet
ui-help-close = close every panel (the help sheet, the inspector, a message, the partition tool)
ui-totals = { $messages } messages ({ $dropped } dropped, { $by_user } by you) · { $yours ->
        [one] 1 action
       *[other] { $yours } actions
    } of yours · { $confirmed } checkouts confirmed · trace { $trace } · { $events } events · { $stop }
ui-stop-end = reached the end of the scenario's time
ui-stop-computing = still being simulated: these totals count the part computed so far
ui-stop-limit = stopped early: the limit { $what } = { $value } was reached

## Marks on the time bar and the space-time diagram

ui-fault-delay = delay #{ $id }
ui-fault-duplicate = copy #{ $id }
ui-fault-drop = drop #{ $id }
ui-fault-crash = ✖ { $node }
ui-fault-restart = ↺ { $node }
ui-fault-pause = ❚❚ { $node }
ui-fault-resume = ▶ { $node }
ui-fault-slow = slow { $node }
ui-fault-disk = disk { $node }
ui-fault-clock = clock { $node }
ui-fault-wipe = new disk { $node }
ui-fault-partition = ✂ partition
ui-fault-cut = ✂ { $from }→{ $to }
ui-fault-heal = heal
ui-fault-network = network

## The cluster picture

ui-cluster = The cluster: nodes and the messages travelling between them
ui-cluster-cut = ✂ cut
ui-node-server = server
ui-node-shopper = shopper
ui-node-down = ✖ down
ui-node-inspect = { $node }: inspect
ui-node-tip = { $node } ({ $role }): { $summary }
ui-node-tip-down = { $node } ({ $role }), down: { $summary }
ui-node-paused = ❚❚ paused { $s } s
ui-node-slow = { $role } · slow { $ms } ms
ui-node-fsync = { $role } · fsync { $ms } ms
ui-node-clock = clock { $s } s
ui-node-tip-paused = { $node } ({ $role }), paused for { $s } s: { $summary }
ui-node-more-rows = … { $more } more (see the tooltip)
ui-node-cell-committed = index { $index } · term { $term } · { $text } · committed
ui-node-cell-uncommitted = index { $index } · term { $term } · { $text } · not committed yet
ui-node-empty-log = nothing logged yet
ui-node-timer = election timer: fires in { $ms } ms
ui-node-blocked = ◔ blocked { $s } s
ui-node-refused = ⚡ refused
ui-msg-label = message { $label } #{ $id }
ui-msg-tip = { $label } #{ $id } — click to drop it, deliver it twice or hold it back
ui-spacetime = Space-time diagram: one lane per node, an arrow per message
ui-locks-nobody-waits = Nobody waits for a lock right now.
ui-locks-waits = { $waiter } waits for { $holder } on { $row }
ui-locks-graph = Wait-for graph
ui-locks-graph-deadlock = Wait-for graph with a cycle: a deadlock

## The panels: inspector, invariants, lock table, message, partition tool, basket

ui-inspector = Inspector: { $node }
ui-inspector-up = { " " }· up
ui-inspector-down = { " " }· down
ui-inspector-close = Close the inspector
ui-inspector-crash = ✖ Crash
ui-inspector-restart = ↺ Restart
ui-inspector-paused = { " " }· paused
ui-inspector-pause = ❚❚ Pause
ui-inspector-resume = ▶ Resume
ui-inspector-slow = Slow: 50 ms a message
ui-inspector-fast = Normal speed
ui-inspector-clock-jump = Clock +1 s
ui-inspector-clock-drift = Clock 5 % fast
ui-inspector-clock-steady = Steady clock
ui-inspector-disk-slow = Slow disk: fsync 20 ms
ui-inspector-disk-fast = Fast disk
ui-inspector-wipe = Replace the machine (empty disk)
ui-explain-redlock = strict two-phase locking with locks from Redlock: a majority of five independent lock servers, leases on each server's clock, no fencing token
ui-explain-raft-release = over the Raft lock service the next holder's read raises the row's fence, so the early write is refused: nothing is lost
ui-inspector-isolate = ✂ Isolate
ui-inspector-fork = Actions happen at the cursor: the run forks there and the future is simulated again.
ui-invariants-broken = ⚠ A safety rule broke: the run paused there.
ui-invariants-hold = ✔ All { $n } invariants hold so far
ui-liveness-rule = every checkout is answered within { $bound_ms } ms with { $needs }
ui-liveness-none = this protocol states no liveness bound
ui-liveness-whole-run = { " " }(whole run)
ui-liveness-pending = judged once the whole run is simulated
ui-linearizability-rule = every answer the shoppers got could have come from one correct shop taking the checkouts one at a time, each at a moment between its submission and its answer (judged from the answers alone, as Jepsen and Porcupine judge databases)
ui-linearizability-seek = ▶ go to t = { $at } s, the last answer of the witness
ui-locks = Lock table and wait-for graph
ui-locks-table = Lock table
ui-locks-none = No row is locked.
ui-locks-graph-legend = { " " }an arrow means “waits for”; red: a deadlock
ui-message = Message #{ $id }
ui-message-times = sent at { $sent_s } s, due at { $due_s } s
ui-message-drop = ✖ Drop it
ui-message-duplicate = ⇉ Deliver it twice
ui-message-delay = ◔ Hold it back 200 ms
ui-message-not-in-flight = Not in flight at this moment.
ui-partition = Make a partition
ui-partition-title = Partition
ui-partition-tick = { " " }tick one side
ui-partition-cut = ✂ Cut them off from the rest
ui-basket-customer = customer{ " " }
ui-basket-customer-label = Customer
ui-basket-buys = buys{ " " }
ui-basket-quantity = Quantity
ui-basket-item = Item
ui-basket-submit = 🛒 Submit checkout

## The setup bar

ui-setup = Scenario setup
ui-setup-protocol = Protocol
ui-setup-variant = variant{ " " }
ui-setup-variant-label = Variant
ui-setup-servers = servers{ " " }
ui-setup-servers-label = Cluster size
ui-setup-seed = seed{ " " }
ui-setup-seed-label = Seed
ui-setup-new-seed = ⚄ new seed
ui-setup-more = network & workload
ui-setup-latency = latency{ " " }
ui-setup-latency-min = Latency min (ms)
ui-setup-latency-max = Latency max (ms)
ui-setup-ms = { " " }ms
ui-setup-loss = loss{ " " }
ui-setup-loss-label = Loss (%)
ui-setup-dup = duplication{ " " }
ui-setup-dup-label = Duplication (%)
ui-setup-rate = shoppers' rate{ " " }
ui-setup-rate-label = Checkouts per second
ui-setup-per-second = { " " }/s
ui-setup-reads = reads{ " " }
ui-setup-reads-label = stock look-ups per second
ui-setup-reads-help = shoppers ask how many units of an item are left; how the leader answers is the reads option
ui-setup-hot = hot item{ " " }
ui-setup-hot-label = Hot item (%)
ui-setup-not-a = `{ $value }` is not { $what }
ui-setup-not-a-protocol = `{ $value }` is not a protocol
ui-setup-wants-servers = a number of servers
ui-setup-wants-whole-number = a whole number
ui-setup-wants-milliseconds = a number of milliseconds
ui-setup-wants-percentage = a percentage
ui-setup-wants-rate = a number of checkouts per second

## Sharing, export and import

ui-share = Share and export
ui-share-copy = Copy link
ui-share-copy-tip = the address bar always holds this run; this copies it, at the player's moment
ui-share-copied = Link copied ({ $chars } characters): it opens exactly this run, at this moment.
ui-share-embed = Copy embed code
ui-share-embed-tip = an iframe of this run (800×600) for a slide deck or a course page
ui-share-embed-copied = Embed code copied: paste it into a slide or a web page. { $code }
ui-embed-out = Open in the full explorer ↗
ui-share-scenario = ↓ Scenario JSON
ui-share-trace = ↓ Trace JSON
ui-share-svg = ↓ Diagram SVG
ui-share-history = ↓ History (Porcupine JSON)
ui-share-history-edn = ↓ History (Jepsen EDN)
ui-share-history-tip = what each shopper asked and was told, with times, for an outside linearizability checker
ui-share-import = ↑ Import…
ui-share-import-file = From a file{ " " }
ui-share-import-paste = or paste a scenario (JSON, or a share link):
ui-share-import-load = Load
ui-share-import-error = This cannot be loaded:{ " " }
ui-share-export-failed = Export failed: { $error }
ui-share-download-refused = the browser refused the download: { $error }
ui-share-no-document = the page has no document to download from
ui-share-no-diagram = no space-time diagram is on screen
ui-share-unreadable = { $file } could not be read as text
ui-share-empty = nothing to import: the text is empty
ui-share-trace-scenario = the trace's scenario: { $error }

## The bug hunt

ui-hunt-intro = Pick a textbook mistake and let the page search for a schedule of crashes, partitions and lossy links that breaks a safety rule. It stops at the first violation, removes every fault it can while the rule still breaks, and opens the result in the player at the breaking event.
ui-hunt-mistake = Mistake{ " " }
ui-hunt-cancel = Cancel
ui-hunt-start = Find a counterexample
ui-hunt-cancelled = Hunt cancelled.
ui-hunt-progress = Hunt progress
ui-hunt-status = { $phase } · { $runs } runs · { $rate } runs/s · { $s } s
ui-hunt-searching = trying random fault schedules: seed { $seed } of at most { $max }
ui-hunt-shrinking = seed { $seed } broke a rule; shrinking its schedule: { $left } of { $before } interventions left
ui-hunt-found = found
ui-hunt-gave-up = no violation in { $tried } seeds
ui-hunt-none = No counterexample in { $seeds } seeds.
ui-hunt-kept-background = none was needed: the run's background loss ({ $loss }%) and duplication ({ $dup }%) are enough
ui-hunt-kept-workload = none was needed: the workload alone breaks it
ui-hunt-kept-some = { $n ->
    [one] one is left, and without it the violation disappears
   *[other] { $n } are left, and removing any one of them makes the violation disappear
}
ui-hunt-took-ms = { $ms } ms
ui-hunt-took-s = { $s } s
ui-hunt-summary = Seed { $seed } broke { $invariant } at { $at_s } s. Of its schedule's { $before } interventions { $kept } ({ $runs } runs, { $took }, { $searched }).
ui-hunt-searched = { $workers ->
    [0] searched in this page
    [one] searched in 1 Web Worker
   *[other] searched in { $workers } Web Workers
}
ui-hunt-where = { $workers ->
    [0] searching in this page
    [one] searching in 1 Web Worker
   *[other] searching in { $workers } Web Workers, one per core
}
ui-hunt-error = The hunt stopped: { $error }
ui-hunt-worker-stopped = A Web Worker stopped while searching; the hunt is over. Try again, or open the page again.

## Charts (drawn into SVG) and their legends

ui-charts = Charts
ui-chart-time-axis = simulated time (s)
ui-chart-confirmed = Checkouts confirmed
ui-chart-confirmed-unit = checkouts
ui-chart-confirmed-line = confirmed
ui-chart-latency = Checkout latency (answers over the last few seconds)
ui-chart-ms = ms
ui-chart-messages = Messages sent
ui-chart-per-second = per second
ui-chart-messages-line = messages/s
ui-chart-aborts = Aborts and retries
ui-chart-aborts-line = aborts/s
ui-chart-retries-line = retries/s
ui-chart-waiting = Time spent waiting
ui-chart-waiting-unit = ms, mean

## Compare

ui-compare = Compare two mechanisms
ui-compare-play = ▶ Play both
ui-compare-time = Simulated time, both runs
ui-compare-hint = Same seed, shoppers, workload and fault schedule (carried over by role: server k stays server k, shopper j stays shopper j; actions on single messages do not carry over).
ui-compare-with = Compare with{ " " }
ui-compare-other = Other mechanism
ui-compare-other-variant = Other variant
ui-compare-side-broken = { " " }· ⚠ { $invariant } broken at { $s } s
ui-compare-row-confirmed = confirmed
ui-compare-row-rejected = rejected (stock, funds)
ui-compare-row-aborted = aborted
ui-compare-row-unanswered = unanswered at the end
ui-compare-row-latency = latency p50 / p95 / p99
ui-compare-latency = { $p50 } / { $p95 } / { $p99 } ms
ui-compare-row-messages = messages sent
ui-compare-row-retries = retries
ui-compare-row-safety = safety
ui-compare-broken = ⚠ { $invariant } broken at { $s } s
ui-compare-held = every invariant held

## When the page itself fails

ui-panic = Something went wrong inside the explorer.
ui-panic-copy = Copy scenario link
ui-panic-reload = Reload

## What is wrong with a scenario, a link or an imported file (the page and the CLI say the same)

scenario-error-at = `{ $at }`: { $problem }
scenario-error-probability = { $value } is not a probability (0 to 1)
scenario-error-range = { $value } is outside the allowed range { $lo } to { $hi }
scenario-error-latency-order = { $min } is above `latency_us_max` { $max }
scenario-error-none = none
scenario-error-no-option = { $protocol } has no option `{ $name }` (options it keeps here: { $has })
scenario-error-unknown-value = unknown value `{ $value }`, expected one of { $expected }
scenario-error-unknown-action = unknown action `{ $value }`, expected one of { $expected }
scenario-error-version = version { $version } is not supported; this build reads version { $reads }
scenario-error-version-found = { $found } is not a version this build reads (it reads { $reads })
scenario-error-nodes = { $n } servers: the { $protocol } protocol runs with { $lo } to { $hi }
scenario-error-variant = `{ $variant }` is not a variant of { $protocol }; choose one of: { $choices }
scenario-error-rate = { $rate } checkouts per second is outside 0 to { $max }
scenario-error-read-rate = { $rate } reads per second is outside 0 to { $max }
scenario-error-no-reads = { $protocol } serves no reads yet; the protocols whose shoppers can look stock up: { $serving }
scenario-error-interventions = { $n } interventions; at most { $max } are allowed
scenario-error-after-end = { $at_us } is after the end of the run (`until_ms` = { $until_ms } ms): it would never happen
scenario-error-two-groups = node { $node } is in two groups
scenario-error-not-shopper = node { $node } is not a shopper (shoppers are nodes { $lo } to { $hi })
scenario-error-no-node = node { $node } does not exist (nodes are 0 to { $hi })
scenario-error-eof = line { $line }, column { $column }: the JSON ends too early (truncated?)
scenario-error-syntax = line { $line }, column { $column }: this is not valid JSON
scenario-error-not-object = a scenario must be a JSON object
scenario-error-missing = missing
scenario-error-not-link = `{ $shown }` is not a scenario link (it should start with `{ $prefix }`)
scenario-error-link-character = character { $position } of the link, `{ $character }`, cannot appear in a scenario link (damaged when copied?)
scenario-error-link-not-text = the link does not decode to text (damaged?)
scenario-error-link-damaged = the link is damaged or cut short ({ $problem })
scenario-error-expected-object = expected an object, found { $found }
scenario-error-unknown-field = unknown field `{ $field }`, expected one of { $expected }
scenario-error-missing-field = missing field `{ $field }`
scenario-error-expected-whole = expected a whole number from 0 to { $max }, found { $found }
scenario-error-expected-integer = expected a whole number (negative allowed), found { $found }
scenario-error-expected-number = expected a number, found { $found }
scenario-error-expected-boolean = expected true or false, found { $found }
scenario-error-expected-text = expected a text in quotes, found { $found }
scenario-error-expected-list = expected a list, found { $found }
scenario-error-expected-link = expected null or a pair of nodes [from, to], found { $found }
scenario-error-not-protocol = `{ $name }` is not a protocol name
scenario-error-expected-option = expected a boolean, a number or a string, found { $found }
scenario-error-option-flag = `{ $value }` is not true or false
scenario-error-option-count = `{ $value }` is not a whole number from { $min } to { $max }
scenario-error-option-one-of = `{ $value }` is not one of { $names }
scenario-found-null = null
scenario-found-boolean = { $value }
scenario-found-number = the number { $value }
scenario-found-text = the text "{ $value }"
scenario-found-list = a list
scenario-found-object = an object
ui-history-title = What the shoppers were told: a lane per shopper, a bar per checkout or read from its sending to its answer
ui-history-confirmed = confirmed
ui-history-refused = refused
ui-history-read = read
ui-history-pending = waiting or never answered
ui-history-open = #{ $id }: no answer yet
ui-history-tick = { $s } s
