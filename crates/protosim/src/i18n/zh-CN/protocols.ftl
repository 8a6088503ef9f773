# 简体中文：协议对自身及其状态的描述（节点摘要、事实、违例），以及协议模块中英文说明的译文（派生键，见 mod.rs）。

## 节点概况（Protocol::summary）。“宕机 · …”包住宕机节点磁盘上仍有的内容。
summary-idle = 空闲
summary-down = 宕机
summary-memory-lost = 宕机 · 内存已丢失
summary-down-then = 宕机 · { $state }
summary-down-disk = 宕机 · 磁盘：{ $state }
summary-down-pending = 宕机 · 磁盘上有 { $n } 个请求
summary-waiting = 等待 { $n } 个请求
summary-waiting-asks = 等待 { $waiting } · 询问 { $target }
summary-waiting-n-asks = 等待 { $n } 个请求 · 询问 { $target }
raft-summary-server = { $role } · 任期 { $term } · 日志 { $log } · 提交 { $commit }
raft-summary-server-voted = { $role } · 任期 { $term }，投票给 { $voted } · 日志 { $log } · 提交 { $commit }
raft-summary-down = 宕机 · 磁盘：任期 { $term }，日志 { $log }
paxos-summary-attempt = 槽位 { $slot } { $phase } { $ballot }
paxos-summary-backing-off = 退避中
paxos-summary-proposer = { $doing } · 已选定 { $chosen } · 已应用 { $applied }
paxos-summary-acceptor = 已接受 { $slots } 个槽位
paxos-summary-retired = 已退役：换了空磁盘的替换机器，不再回答任何请求
paxos-summary-acceptor-last = 已接受 { $slots } 个槽位 · 槽位 { $slot }：{ $value }，提案编号 { $ballot }
paxos-phase-prepare = 准备
paxos-phase-accept = 接受
single-summary-db = { $orders } 个订单，{ $confirmed } 个已确认 · 库存 { $stock }
single-summary-try = #{ $id } 第 { $n } 次尝试
single-summary-waiting = 等待 { $waiting }{ $more }
single-summary-node = 节点 { $node }
twopc-summary-coordinator = { $txns } 个事务 · { $commits } 个已提交 · { $open } 个未决
twopc-summary-inventory = { $prepared } 个不确定 · { $stock }
twopc-summary-payments = { $prepared } 个不确定 · 收入 { $revenue }
locking-summary-locks = 持有 { $held } 把锁 · { $queued } 个在等待
locking-summary-token = 令牌 { $token }
locking-summary-store = { $pending } 个待定写入 · { $rows }
locking-summary-shopper = { $txn } { $phase } · { $running } 个进行中

## 节点框中的事实（view::NodeDetail）：标签，以及取值中的词。
fact-role = 角色
fact-term = 任期
fact-vote = 投票
fact-commit = 提交
fact-applied = 已应用
fact-slot = 槽位
fact-ballot = 提案编号
fact-phase = 阶段
fact-rounds = 轮次
fact-promised = 已承诺
fact-accepted = 已接受
fact-txns = 事务
fact-undecided = 未决
fact-uncertain = 不确定
fact-holding = 冻结
fact-held = 持有锁
fact-waiting = 等待
fact-token = 令牌
fact-deadlocks = 死锁策略
fact-pending = 待定写入
fact-commits = 提交数
fact-refused = 已拒绝
fact-running = 进行中
role-down = 宕机
role-leader = 领导者
role-follower = 跟随者
role-candidate = 候选人
role-proposer = 提议者
role-acceptor = 接受者
role-learner = 学习者
role-retired = 已退役
role-coordinator = 协调者
role-inventory = 库存服务
role-payments = 支付服务
role-lock-manager = 锁管理器
role-storage = 存储节点
role-shopper = 购物者
paxos-phase-one-prepare = 1 准备
paxos-phase-two-accept = 2 接受
paxos-phase-backoff = 退避

## 日志单元格、表格行与图例。
cell-noop = 空操作
raft-legend = 数字 = 任期 · 实心：已提交
paxos-legend-proposer = 数字 = 轮次 · 实心：已应用
paxos-legend-acceptor = 数字 = 提案编号的轮次
twopc-legend-coordinator = 蓝色：提交 · 粉色：中止
twopc-legend-participant = 空心 = 不确定
locking-legend-locks = 持有者 ← 队列 · t = 栅栏令牌
locking-legend-store = 值 v=版本 · ✎ 待定写入
locking-cell = { $value } v{ $version }
locking-cell-fenced = { $value } v{ $version } 栅栏 t{ $fence }
locking-cell-intent = { $cell } ✎{ $txn }→{ $to }
locking-job = { $phase } · 第 { $attempt } 次尝试
locking-row-fencing = 设置栅栏 ≥t{ $token }
locking-row-free = 空闲
locking-row-held = { $holders }
locking-row-queue = { $row } ← { $queue }

## 不变式被破坏时发现了什么（Violation::detail）。
raft-violation-log-matching = n{ $node } 和 n{ $other } 在索引 { $index } 处都有任期 { $term } 的条目，但两份日志在此之前并不相同
raft-violation-committed = n{ $node } 在索引 { $index } 处的已提交条目与另一台服务器提交的不同
raft-violation-applied = n{ $node } 在索引 { $index } 处应用的条目与另一台服务器应用的不同
raft-violation-two-leaders = n{ $node } 和 n{ $other } 都当选了任期 { $term } 的领导者
raft-violation-incomplete-leader = n{ $node } 领导任期 { $term }，却没有索引 { $index } 处已提交的条目
paxos-violation-two-values = 槽位 { $slot }：{ $value } 以提案编号 { $ballot } 被选定，但该槽位此前已选定了另一个值
paxos-violation-learned = { $node } 为槽位 { $slot } 学到的值并不是该槽位选定的值
single-violation-lost = 请求 #{ $id } 已向购物者确认，但数据库中没有它的已确认订单
twopc-violation-atomicity = 事务 #{ $txn } 在一处已提交，在另一处却已中止（{ $who }）
twopc-violation-by-coordinator = 协调者的决定
twopc-violation-stock-ledger = 商品 { $item }：在手 { $on_hand } + 冻结 { $held } + 已售 { $sold } ≠ 开始时的 { $start }
twopc-violation-money-ledger = 钱包 { $wallets } + 冻结 { $held } + 收入 { $revenue } ≠ 开始时的 { $start } 分
twopc-violation-revenue = 收入 { $revenue } ≠ 已提交事务收取的 { $captured }
locking-violation-two-holders = { $row } 同时被 { $holders } 持有
locking-violation-deadlock = { $cycle } 已互相等待 { $waited_ms } 毫秒，超过了 { $bound_ms } 毫秒的上限
locking-violation-lost-update = { $row } 为 { $value }，但开始时的 { $start } 减去已提交结账取走的 { $taken } 应为 { $expected }
locking-violation-oversold = 已提交的结账取走了 { $taken } 件 { $row }，但只有 { $start } 件
locking-violation-money = 钱包共有 { $wallets }，收入为 { $revenue }：{ $sum } ≠ 开始时的 { $start }
locking-violation-twice = 结账 #{ $req } 提交了两次：{ $first } 和 { $second }
locking-violation-failed-but-committed = 结账 #{ $req } 被告知失败，但 { $txn } 已提交
locking-violation-confirmed-uncommitted = 结账 #{ $req } 已确认，但它没有任何事务提交
locking-violation-told-but-committed = 结账 #{ $req } 被告知“{ $outcome }”，但 { $txn } 已提交
violation-negative-stock = 商品 { $item } 的库存为 { $stock }
violation-paid-twice = 请求 #{ $id } 有 { $n } 个已确认订单：顾客付了 { $n } 次钱
violation-charged-twice = 订单 { $order } 被扣款 { $n } 次
violation-order-mismatch = 订单 { $order } { $status }，但它的库存被扣减 { $takes } 次、货款被收取 { $captures } 次
violation-stock-mismatch = 商品 { $item }：库存为 { $stock }，但开始时的 { $start } 减去已确认订单售出的 { $sold } 应为 { $expected }
violation-money = 钱包加收入共 { $money } 分，开始时是 { $start } 分
violation-revenue = 收入为 { $revenue } 分，但已确认订单合计 { $confirmed } 分
order-confirmed = 已确认
order-rejected = 已拒绝
violation-line = ⚠ { $invariant } 被破坏：{ $detail }——{ $rule }

## 活性判定（liveness.rs）。
liveness-held = 成立：判定了 { $judged } 个结账；只要{ $needs }，每个都在 { $bound } 毫秒内得到应答（最慢 { $slowest } 毫秒）
liveness-broken = 被破坏：{ $late }（所需条件：{ $needs }）
liveness-broken-bare = 被破坏
liveness-no-bound = 不适用：该协议没有给出时限
liveness-not-applicable = 不适用：没有结账在长达 { $bound } 毫秒、且{ $needs }的时段内等待
liveness-late-answered = 结账 #{ $id }（在第 { $at } 秒提交）在{ $from }之后 { $waited } 毫秒才得到应答，超过了 { $bound } 毫秒的时限
liveness-late-unanswered = 结账 #{ $id }（在第 { $at } 秒提交）在{ $from }之后 { $bound } 毫秒仍无应答
liveness-from-submission = 提交
liveness-from-stretch = t = { $at } 秒、协议所需条件重新满足
liveness-needs = { $groups }正常运行、每个购物者都在运行、网络完整且无丢包
liveness-group-all = { $range } 全部
liveness-group-some = { $range } 中的 { $need } 台

## 协议模块用英文声明的说明（标题、变体、不变式、度量、选项），键由 protocols::info_texts 派生。
## 同名不变式在各协议中规则文字相同（有测试保证），因此只按名称译一次。

info-title-single = 单一数据库
info-variant-single-correct = 一个持久化的数据库；重试携带请求编号，只应答一次
info-variant-single-no-dedup = 数据库把每次重试都当作新的结账：一个丢失的应答就让购物者付两次钱
info-variant-single-ack-before-persist = 订单只存在数据库的内存中：一次崩溃就忘掉已经确认过的结账
info-invariant-no-oversell = 库存永远不低于零
info-invariant-money-conserved = 顾客钱包里的钱加上商店的收入，始终等于开始时的总金额
info-invariant-confirmed-iff-taken-and-paid = 订单被确认，当且仅当它的库存已扣减、货款已收取，且各只一次
info-invariant-no-double-charge = 一个结账请求至多扣款一次，无论重试多少次
info-invariant-confirmed-checkouts-survive = 每个向购物者确认过的结账，在数据库中仍是一个已确认的订单
info-metric-single-retries-what = 再次发送的结账尝试（重发，或在冲突、中止之后的新尝试）
info-metric-single-retries-label = 重试
info-title-raft = Raft
info-variant-raft-correct = 论文图 2 中的 Raft，带选举限制和图 8 的提交规则
info-variant-raft-vote-without-log-check = 投票时不比较日志：缺少已提交条目的服务器也能当选，并覆盖这些条目
info-variant-raft-commit-old-term = 领导者把已复制到多数派的旧任期条目当作已提交（图 8），从而跳过新领导者的空操作：之后的领导者可能抹掉该条目
info-variant-raft-copy-whole-log = 服务器在投票请求中看到更高的任期时，整体照抄候选人的日志（种子文章 §4.2）
info-variant-raft-ack-before-fsync = 服务器在磁盘把条目和投票持久化之前就确认：fsync 慢时一次崩溃会丢掉多数派已确认的内容
info-invariant-election-safety = 每个任期至多选出一个领导者
info-invariant-log-matching = 若两份日志在同一索引处有相同任期的条目，则两份日志在该索引之前完全相同
info-invariant-leader-completeness = 领导者的日志包含此前各任期中已提交的每个条目
info-invariant-state-machine-safety = 任意两台服务器不会在同一索引处应用不同的条目
info-metric-raft-retries-what = 再次发送的结账尝试（重发，或在冲突、中止之后的新尝试）
info-metric-raft-retries-label = 重试
info-title-paxos = Paxos
info-variant-paxos-correct = 《Paxos Made Simple》，每个槽位一个实例，带随机退避
info-variant-paxos-accept-below-promise = 接受者接受了低于其承诺的提案编号：旧的提议者可以覆盖已选定的值
info-variant-paxos-ignore-accepted-value = 尽管某个承诺报告了已接受的值，提议者仍提议自己的值
info-variant-paxos-forget-promises-on-restart = 接受者只在内存中保存承诺：重启后重新承诺、重新接受
info-variant-paxos-majority-vote-only = 没有准备阶段：只要超过半数接受就算决定（种子文章 §4.1）
info-variant-paxos-ack-before-fsync = 接受者在磁盘持久化之前就回复承诺和接受：fsync 慢时一次崩溃会把它们忘掉
info-invariant-one-value-per-slot = 每个槽位至多选定一个值
info-invariant-learners-agree = 每个学习者对每个槽位学到的都是该槽位选定的值，而不是别的值
info-metric-paxos-retries-what = 再次发送的结账尝试（重发，或在冲突、中止之后的新尝试）
info-metric-paxos-retries-label = 重试
info-option-paxos-proposers-label = 提议者
info-option-paxos-proposers-help = 有多少个订单服务提议结账（每个都为自己需要的槽位运行 Paxos）
info-option-paxos-stable-leader-label = 稳定领导者（Multi-Paxos）
info-option-paxos-stable-leader-help = 一个提议者为之后的所有槽位只运行一次阶段 1，此后每次结账只需阶段 2
info-title-2pc = 两阶段提交
info-variant-2pc-correct = 决定先写日志再发送、采用假定中止的 2PC
info-variant-2pc-heuristic-commit = 不确定的参与者超时后自行提交：可能与决定不一致
info-variant-2pc-decide-before-log = 协调者先发送决定再写日志，崩溃后重新做决定
info-variant-2pc-ack-before-fsync = 投票和决定在磁盘持久化之前就发出：fsync 慢时一次崩溃会忘掉一个“同意”或一次提交
info-variant-2pc-commit-on-own-check = 参与者自己的检查一通过就提交，不等全局决定（§4.3）
info-invariant-atomicity = 没有哪个事务在一个服务上提交、却在另一个服务上（或被协调者）中止
info-invariant-reservations-released = 每件库存、每一分钱，要么在手中，要么被已准备的事务冻结，要么已被已提交的事务售出
info-metric-2pc-retries-what = 再次发送的结账尝试（重发，或在冲突、中止之后的新尝试）
info-metric-2pc-retries-label = 重试
info-metric-2pc-2pc-blocked-what = 参与者在得知决定之前保持已准备状态（冻结库存或资金）的时长
info-metric-2pc-2pc-blocked-label = 阻塞
info-option-2pc-cooperative-label = 协作终止
info-option-2pc-cooperative-help = 不确定的参与者向其他参与者询问决定
info-title-pessimistic = 悲观锁
info-variant-pessimistic-correct = 带租约和栅栏令牌的严格两阶段锁
info-variant-pessimistic-no-fencing = 租约会过期，但写入不带栅栏令牌：租约已过期的持有者仍会写入
info-variant-pessimistic-release-before-write = 在应用写入之前就释放锁：另一个购物者读到旧值
info-invariant-mutual-exclusion = 一行永远不会有两个排他锁持有者，也不会有共享锁持有者与排他锁持有者并存
info-invariant-no-lost-update = 每一行都等于它的初始值减去已提交的结账从中取走的数量
info-invariant-no-deadlock = 互相等待的事务环不会持续超过死锁策略的上限
info-metric-pessimistic-retries-what = 再次发送的结账尝试（重发，或在冲突、中止之后的新尝试）
info-metric-pessimistic-retries-label = 重试
info-metric-pessimistic-lock-wait-what = 加锁请求在该行的队列中等待多久才获得授予
info-metric-pessimistic-lock-wait-label = 等锁
info-metric-pessimistic-attempts-what = 一次完成的结账用了几次尝试（1：没有冲突、中止或重试）
info-metric-pessimistic-attempts-label = 尝试次数
info-option-pessimistic-deadlock-label = 死锁
info-option-pessimistic-deadlock-help = 锁管理器如何打破死锁：检测环、击伤更年轻的持有者，或让等待超时
info-option-pessimistic-deadlock-value-detect = 检测环（detect）
info-option-pessimistic-deadlock-value-wound-wait = 伤害-等待（wound-wait）
info-option-pessimistic-deadlock-value-timeout = 等待超时（timeout）
info-title-optimistic = 乐观锁
info-variant-optimistic-correct = 带版本号的行、条件写入、带退避和抖动的重试
info-variant-optimistic-no-version-check = 写入时拿版本号和它自己比较，而不是和读到的版本比较（§4.5）：更新会丢失
info-metric-optimistic-retries-what = 再次发送的结账尝试（重发，或在冲突、中止之后的新尝试）
info-metric-optimistic-retries-label = 重试
info-metric-optimistic-attempts-what = 一次完成的结账用了几次尝试（1：没有冲突、中止或重试）
info-metric-optimistic-attempts-label = 尝试次数
