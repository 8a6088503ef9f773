# 简体中文：协议与引擎叙述的每一条消息（见 crates/protosim/src/i18n/mod.rs）。
# 消息 id 与 en.ftl 一一对应；{ $name } 处填入参数。术语沿用领域通行译法：任期、日志、领导者、提案编号、栅栏令牌……

client-answered = 请求 #{ $id } { $outcome }，共尝试 { $n } 次
client-give-up = 请求 #{ $id } 尝试 { $max } 次仍无应答：购物者放弃
client-reply-late = 请求 #{ $id } 的迟到或重复应答被忽略
client-restart-pending = 重启后磁盘上有 { $n } 个未应答的结账请求，重新发送
client-retry = 请求 #{ $id } 尚无应答：第 { $retry } 次重试，沿用同一请求编号，发往节点 { $to }
engine-crash-noop = { $node } 已经宕机：无需再让它崩溃
engine-delay-noop = 无可延迟：消息 #{ $id } 不在途中
engine-drop-noop = 无可丢弃：消息 #{ $id } 不在传输中
engine-duplicate-noop = 无可复制：消息 #{ $id } 不在途中
engine-restart-noop = { $node } 正在运行：无需重启
engine-pause-noop = { $node } 已经暂停：无需再暂停
engine-pause-down = { $node } 已宕机：无法暂停
engine-resume-noop = { $node } 没有暂停：无需恢复
engine-shopper-down = 已宕机：它的结账没有开始
locking-abort-fence = 中止 { $txn }（{ $why }），收回 { $rows }：先对这些行设置栅栏，再重新授予
locking-abort-no-fence = 中止 { $txn }（{ $why }），收回 { $rows }：不设栅栏，立即重新授予
locking-abort-no-locks = 中止 { $txn }（{ $why }），它未持有锁
locking-apply-nothing = 没有 { $txn } 的待定写入：无可应用
locking-commit = 提交 { $txn }：决定已写入磁盘，它在本节点的写入已生效
locking-commit-dropped = 无法提交 { $txn }：它的待定写入已被丢弃
locking-committed = { $txn } 已提交：结账确认，随后释放锁
locking-deadline = { $txn } 仍未完成，顾客已等得够久：放弃
locking-deadlock = 发现死锁：{ $cycle } 循环等待；最年轻的事务成为牺牲者
locking-failed-deadline = { $txn } 失败（{ $why }），顾客已等得够久：放弃
locking-failed-last = { $txn } 失败（{ $why }）；这已是第 { $failed } 次尝试：放弃
locking-failed-retry = { $txn } 失败（{ $why }）：{ $wait_ms } 毫秒后重试（退避，第 { $attempt } 次尝试）
locking-grant = 等待 { $waited_ms } 毫秒后，把 { $row } 授予 { $txn }
locking-lm-restart = 以空锁表重启：先以令牌 { $token } 为每一行设置栅栏
locking-msg-already-aborted = { $txn }：已中止
locking-msg-busy = { $txn }：另一写入尚待定，请重试
locking-msg-commit-primary = { $txn }：提交（在主节点）
locking-msg-commit-secondary = { $txn }：应用已提交的写入
locking-msg-conflict = { $txn }：{ $row } 自读取后已被修改
locking-msg-decided-aborted = { $txn } 已中止
locking-msg-decided-committed = { $txn } 已提交
locking-msg-fence = 在 { $rows } 行上拒绝低于 { $token } 的令牌
locking-msg-fenced = { $rows } 行已按令牌 { $token } 设置栅栏
locking-msg-fenced-out = { $txn }：令牌对 { $row } 而言过旧（已被栅栏拦截）
locking-msg-granted = { $txn } 获得 { $row }，栅栏令牌 { $token }
locking-msg-lock = { $txn } 请求 { $row } 上的 { $mode } 锁
locking-msg-prepared = { $txn }：写入在此待定
locking-msg-prewrite = { $txn } 写入 { $rows } 行，待定
locking-msg-read = { $txn } 读取 { $rows } 行
locking-msg-release = { $txn } 释放它的全部锁
locking-msg-released = { $txn }：锁已释放
locking-msg-renew = { $txn } 续租
locking-msg-resolve = { $txn } 提交了吗？
locking-msg-resolve-force = { $txn } 提交了吗？（若未提交则中止它）
locking-msg-resolved-pending = { $txn } 仍在进行中
locking-msg-revoked = { $txn } 失去它的锁：{ $why }
locking-msg-rollback = { $txn }：丢弃它的待定写入
locking-msg-values = { $txn }：{ $values }
locking-phase-backoff = 退避中
locking-phase-committing = 提交中
locking-phase-locking = 加锁中
locking-phase-reading = 读取中
locking-phase-unlocking = 解锁中
locking-phase-writing = 写入中
locking-primary-abort = 是 { $txn } 的主节点：它尚未提交，因此被永久中止
locking-read-fenced = 拒绝 { $txn } 对 { $row } 的读取：令牌 { $token } 早于栅栏 { $fence }
locking-refused = { $txn }：{ $outcome }
locking-release-unknown = 被要求释放 { $txn } 的锁，但并未替它持有任何锁：无可释放
locking-release-before-write = { $txn } 在写入之前就解锁了——这就是错误所在
locking-renew-unknown = 不认识 { $txn }（它的第一个加锁请求还在路上，或锁表已丢失）：无可续约
locking-resolved-apply = 从主节点得知 { $txn } 的结局，应用它的待定写入
locking-resolved-drop = 从主节点得知 { $txn } 的结局，丢弃它的待定写入
locking-resolved-in-progress = { $txn } 在主节点仍在进行中：它的待定写入保留
locking-resolved-nothing = 得知 { $txn } 的结局，但已没有它的待定写入：无需处理
locking-revoke-deadlock = 被选为死锁牺牲者
locking-revoke-lease = 它的租约已过期
locking-revoke-timeout = 等锁等得太久
locking-revoke-unknown = 锁管理器已不认识它
locking-revoke-wounded = 被更老的事务“击伤”（wound-wait）
locking-rollback-nothing = 没有 { $txn } 的待定写入：无可丢弃
locking-shopper-late = { $txn } 的一次尝试已经结束，它迟到的应答被忽略
locking-shopper-resume = 重启后从中断处继续 { $txn }（{ $phase }）
locking-wait = { $txn } 等待 { $row }，排在 { $blockers } 之后
locking-wait-fenced = { $txn } 等待 { $row }：该行正在设置栅栏
locking-why-aborted = 已中止
locking-why-conflict = 在 { $row } 上冲突
locking-why-fenced = 被栅栏挡在 { $row } 之外
locking-why-primary-aborted = 主节点已中止它
locking-why-revoked = 它的锁被收回：{ $why }
locking-write-aborted = 拒绝 { $txn } 的写入：它在本节点已被中止
locking-write-conflict = 拒绝 { $txn } 的写入：{ $row } 自读取后已被修改（或另有写入待定）
locking-write-fenced = 拒绝 { $txn } 对 { $row } 的写入：它的栅栏令牌早于栅栏——它的锁已被收回
msg-checkout = 请求 #{ $id }，顾客 { $customer }
msg-reply = 请求 #{ $id }：{ $outcome }
outcome-confirmed = 已确认为订单 { $order }（{ $total }）
outcome-contention = 已中止：每次重试都输给了并发的结账
outcome-gave-up = 已中止：重试用尽仍无应答
outcome-insufficient-funds = 已拒绝：钱包无法支付 { $total }
outcome-out-of-stock = 已拒绝：商品 { $item } 缺货
outcome-vote-timeout = 已中止：并非所有服务都按时投票
paxos-accept-anything = 虽然已承诺 { $promised }，仍以提案编号 { $ballot } 在槽位 { $slot } 接受 { $value }——这就是错误所在
paxos-attempt-timeout = 槽位 { $slot } 没有多数派按时应答：再试一次
paxos-backoff = 退避 { $wait_ms } 毫秒后再试（随机，每输一次就增长）
paxos-catchup = 错过了从槽位 { $slot } 起的决定：向其他订单服务询问
paxos-duel = 失去槽位 { $slot }：提案编号 { $ballot } 被 { $beaten_by } 击败——两个提议者在互相抢占（活锁）
paxos-leader-silent = 稳定领导者没有应答请求 #{ $id }：自己为它提案
paxos-learn = 得知槽位 { $slot } 的值是 { $value }
paxos-msg-accept = 槽位 { $slot }，提案编号 { $ballot }：{ $value }
paxos-msg-catchup = 从槽位 { $from } 起选定了哪些值？
paxos-msg-decided = { $n } 个已选定的值
paxos-msg-forward = 请求 #{ $id }，来自节点 { $shopper }
paxos-msg-nack = 槽位 { $slot }：提案编号 { $ballot } 被拒绝，已承诺 { $promised }
paxos-msg-prepare = 槽位 { $slot }，提案编号 { $ballot }
paxos-msg-prepare-open = 槽位 { $slot } 及之后，提案编号 { $ballot }
paxos-msg-prior = 槽位 { $slot }：{ $value }，提案编号 { $ballot }
paxos-msg-promise = 槽位 { $slot }，提案编号 { $ballot }：承诺；{ $prior }
paxos-msg-promise-fresh = 槽位 { $slot }，提案编号 { $ballot }：承诺；此前未接受任何值
paxos-prepare = 以提案编号 { $ballot } 为槽位 { $slot } 发起准备（prepare）
paxos-prepare-again = 以提案编号 { $ballot } 为槽位 { $slot } 发起准备（该槽位第 { $rounds } 轮）
paxos-prepare-open = 以提案编号 { $ballot } 为槽位 { $slot } 及之后的每个槽位发起准备
paxos-prepare-open-again = 以提案编号 { $ballot } 为槽位 { $slot } 及之后的每个槽位发起准备（该槽位第 { $rounds } 轮）
paxos-prepare-refused = 拒绝槽位 { $slot } 的提案编号 { $ballot }：它已承诺 { $promised }——更高的提案编号胜出
paxos-promised-ignore = 无视报告为已接受的 { $value }，提议自己的结账——这就是错误所在
paxos-promised-prior = 多数派承诺了提案编号 { $ballot }；其中一个报告曾以提案编号 { $at } 接受过 { $value }——必须提议那个值，而不是自己的
paxos-propose-no-prepare = 不经准备阶段，直接为槽位 { $slot } 提议 { $value }
paxos-restart = 重启，按磁盘上订单日志中的 { $n } 个决定重建商店
paxos-slot-lost = 它的结账没能占到槽位 { $slot }：将在之后的槽位重新提议
paxos-value-noop = 空操作（no-op）
raft-append = 把请求 #{ $id } 追加到索引 { $index }（任期 { $term }）并复制
raft-append-refused-short = 拒绝索引 { $prev_index } 之后的条目：它的日志只到索引 { $last_index }——一致性检查
raft-append-refused-term = 拒绝索引 { $prev_index } 之后的条目：它的日志在该索引处的任期是 { $conflict_term }，而不是 { $prev_term }——一致性检查
raft-candidate = 选举超时前没有收到领导者的消息：成为任期 { $term } 的候选人，投自己一票
raft-commit = 索引 { $index } 已存于 { $servers } 台服务器中的 { $replicas } 台，且属于当前任期：提交到 { $index }
raft-commit-old-term = 索引 { $index }（任期 { $term }）已存于多数派：尽管它来自更早的任期，仍提交——这就是图 8 的错误
raft-copy-whole-log = 看到更高的任期 { $term }，把候选人节点 { $from } 的日志整体照抄（{ $entries } 个条目）
raft-follow = 收到任期 { $term } 的领导者节点 { $from } 的消息：成为它的跟随者
raft-leader-won = 赢得多数票（{ $servers } 票中的 { $votes } 票），领导任期 { $term }
raft-leader-won-noop = 赢得多数票（{ $servers } 票中的 { $votes } 票），领导任期 { $term }；在索引 { $index } 追加一个空操作条目，使更早任期的条目得以提交
raft-msg-ack = 任期 { $term }：已存到索引 { $match_index }
raft-msg-ack-refused = 任期 { $term }：拒绝；退回到索引 { $conflict_index }（我在该索引处的任期：{ $conflict_term }）
raft-msg-append = 任期 { $term }，接在索引 { $prev_index }（任期 { $prev_term }）之后：{ $entries } 个条目，提交索引 { $commit }
raft-msg-redirect = 请求 #{ $id }：我不是领导者；请找节点 { $leader }
raft-msg-redirect-unknown = 请求 #{ $id }：我不是领导者，也不知道谁是领导者
raft-msg-request-vote = 任期 { $term }，我的日志到索引 { $last_index }（任期 { $last_term }）
raft-msg-request-vote-log = 任期 { $term }，我的日志到索引 { $last_index }（任期 { $last_term }），附上我的整个日志
raft-msg-vote-granted = 任期 { $term }：同意
raft-msg-vote-refused = 任期 { $term }：拒绝
raft-restart = 以跟随者身份重启：任期 { $term }、投票记录和日志（{ $entries } 个条目）从磁盘恢复；条目重新提交时重建商店
raft-role-candidate = 候选人
raft-role-follower = 跟随者
raft-role-leader = 领导者
raft-step-down = 看到比自己更高的任期 { $term }：从{ $role }退为跟随者
raft-truncate = 删除 { $truncated } 个冲突条目，采用领导者的条目
raft-vote-granted = 在任期 { $term } 投票给节点 { $from }
raft-vote-granted-unchecked = 不比较日志就在任期 { $term } 投票给节点 { $from }——它的日志止于任期 { $last_term }，我的止于 { $my_last_term }
raft-vote-refused = 拒绝投票给节点 { $from }：{ $why }
raft-vote-why-log = 它的日志止于索引 { $last_index }（任期 { $last_term }），我的止于索引 { $my_last_index }（任期 { $my_last_term }）——选举限制
raft-vote-why-stale-term = 它的任期 { $term } 比我的（{ $current }）旧
raft-vote-why-voted = 我在任期 { $current } 已投票给节点 { $other }
single-restart-disk = 重启，从磁盘读回订单：已确认的一个也不丢
single-restart-memory = 以空内存重启：崩溃前确认的每个订单都没了
single-retry-dedup = 见过请求 #{ $id }（这是重试）：重复之前的应答，不再扣款
single-retry-no-dedup = 把重试的请求 #{ $id } 当作新请求：{ $outcome }——第二次扣款
single-run-disk = 原子地执行请求 #{ $id }：{ $outcome }，写入磁盘后应答
single-run-memory = 原子地执行请求 #{ $id }：{ $outcome }，只保存在内存中就应答
twopc-ack-unknown = 收到节点 { $from } 对事务 #{ $txn } 的确认，但它的日志中没有该事务：无可完成
twopc-ask-never-voted = 从未对事务 #{ $txn } 投票：自行中止并告知对方
twopc-begin = 开始事务 #{ $txn }（已记入日志），请 { $services } 个服务准备
twopc-blocked = 在事务 #{ $txn } 上阻塞了 { $waited_ms } 毫秒，持有 { $held }：它投了赞成票，只能等待
twopc-decide-abort = 决定中止（ABORT）事务 #{ $txn }，写入磁盘日志后通知每个参与者
twopc-decide-abort-unlogged = 决定中止（ABORT）事务 #{ $txn } 并发出——没有先写日志
twopc-decide-commit = 决定提交（COMMIT）事务 #{ $txn }，写入磁盘日志后通知每个参与者
twopc-decide-commit-unlogged = 决定提交（COMMIT）事务 #{ $txn } 并发出——没有先写日志
twopc-decision-abort-opposite = 被告知中止事务 #{ $txn }，但它已做了相反的事
twopc-decision-abort-unknown = 从未准备过事务 #{ $txn }：无可撤销
twopc-decision-commit-opposite = 被告知提交事务 #{ $txn }，但它已做了相反的事
twopc-decision-commit-unknown = 被告知提交事务 #{ $txn }，但它从未准备过该事务
twopc-held-units = { $units } 件库存
twopc-heuristic-commit = 对事务 #{ $txn } 不确定已有 { $waited_ms } 毫秒：自行提交——这就是错误所在
twopc-msg-abort = 事务 #{ $txn }：中止（ABORT）
twopc-msg-ack = 事务 #{ $txn }：完成
twopc-msg-ask = 事务 #{ $txn }：你知道决定吗？
twopc-msg-commit = 事务 #{ $txn }：提交（COMMIT）
twopc-msg-prepare-pay = 事务 #{ $txn }：冻结顾客 { $customer } 的 { $amount }
twopc-msg-prepare-stock = 事务 #{ $txn }：预留 { $lines } 行库存
twopc-msg-tell-aborted = 事务 #{ $txn }：已中止
twopc-msg-tell-committed = 事务 #{ $txn }：已提交
twopc-msg-tell-uncertain = 事务 #{ $txn }：我也不确定
twopc-msg-vote-no = 事务 #{ $txn }：反对（NO）
twopc-msg-vote-no-why = 事务 #{ $txn }：反对（NO）——{ $outcome }
twopc-msg-vote-yes = 事务 #{ $txn }：赞成（YES），已准备
twopc-restart-prepared = 重启后磁盘上有 { $n } 个已准备的事务：仍不确定，仍持有资源
twopc-restart-presumed-abort = 重启：日志中没有事务 #{ $txn } 的决定，因此中止它（假定中止）
twopc-tell-aborted = 从节点 { $from } 得知事务 #{ $txn } 已中止：协作终止解除了阻塞
twopc-tell-committed = 从节点 { $from } 得知事务 #{ $txn } 已提交：协作终止解除了阻塞
twopc-tell-unknown = 从节点 { $from } 得知事务 #{ $txn } 的结局，但它从未准备过该事务：无需处理
twopc-vote-no = 对事务 #{ $txn } 投反对票（{ $outcome }）并忘掉它
twopc-vote-own-commit = 自己的检查通过：立即提交事务 #{ $txn }——这就是错误所在
twopc-vote-unknown = 收到节点 { $from } 对事务 #{ $txn } 的投票，但它的日志中没有该事务：不予计票
twopc-vote-yes = 为事务 #{ $txn } 预留资源，把“已准备”写入磁盘，投赞成票：此后处于不确定状态
twopc-votes-timeout = 事务 #{ $txn } 的投票没有全部按时到达：中止它

## 事件日志自己的行（src/model.rs）：发生了什么，围绕节点的叙述。
log-note = { $who }：{ $what }
log-send = { $from } → { $to }：{ $label } #{ $id } { $detail }
log-send-bare = { $from } → { $to }：{ $label } #{ $id }
log-dup = 网络复制了消息 #{ $id }（副本 #{ $copy }）
log-by-you = 你的操作：{ $what }
log-dup-user = 你让消息 #{ $id } 投递两次：副本（#{ $copy }）已在途中
log-delay = 你扣住了消息 #{ $id }：它改为在第 { $at_s } 秒到达
log-deliver = { $to } 收到来自 { $from } 的 #{ $id }
log-drop-loss = 消息 #{ $id } { $from } → { $to } 在网络中丢失
log-drop-partition = 消息 #{ $id } { $from } → { $to } 被网络分区阻断
log-drop-user = 消息 #{ $id } { $from } → { $to } 被你丢弃
log-drop-down = 消息 #{ $id } { $from } → { $to } 未被接收：接收方已宕机
log-timer = { $node }：{ $timer ->
        [attempt] 尝试
        [back-off] 退避
        [deadlock-check] 死锁检查
        [election] 选举
        [fence-again] 重设栅栏
        [heartbeat] 心跳
        [leader-silent] 领导者无应答
        [lease-check] 租约检查
        [lock-wait-timeout] 等锁超时
        [pending-write-expired] 待定写入过期
        [renew-lease] 续租
        [resend-decision] 重发决定
        [retry] 重试
        [step] 步进
        [uncertain] 不确定
        [vote-timeout] 投票超时
       *[other] { $timer }
    }定时器触发
log-crash = { $node } 崩溃：内存丢失，磁盘保留
log-restart = { $node } 从磁盘重启
log-pause = { $node } 暂停（进程停顿）：仍然存活，但不处理任何事件，定时器也不触发；发给它的消息排队等待
log-resume = { $node } 暂停 { $ms } 毫秒后恢复，处理积压的 { $backlog } 个事件，仍按暂停前的认知行事
log-slow = { $node } 变慢：每处理一条消息耗时 { $ms } 毫秒，后续消息排队
log-slow-off = { $node } 恢复正常速度
log-clock = { $node } 的时钟现在与真实时间相差 { $offset } 秒，走快 { $drift } %：它读到的每个时间（租约、截止时间）都受影响，定时器也按它的快慢走
log-partition = 网络分区：{ $groups } | 其余节点
log-cut = 单向切断：{ $from } 再也无法到达 { $to }
log-heal = 网络恢复：所有链路重新连通
log-network-all = 所有链路：延迟 { $min_ms }–{ $max_ms } 毫秒，丢包 { $loss }%，重复 { $dup }%
log-network-link = 链路 { $from } → { $to }：延迟 { $min_ms }–{ $max_ms } 毫秒，丢包 { $loss }%，重复 { $dup }%
log-submit = { $node } 发起结账 #{ $id }：顾客 { $customer } 购买 { $basket }
log-outcome = { $node }：结账 #{ $id } { $outcome }，用时 { $ms } 毫秒
log-violation = ⚠ { $invariant } 被破坏：{ $detail }
log-stop-end = 运行结束：已到达场景设定的时间
log-stop-limit = 运行结束：提前停止，已达到上限 { $what } = { $value }
