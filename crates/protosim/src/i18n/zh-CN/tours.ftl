# 简体中文：导览、其步骤与提问，键名为 `tour.…`。
# 每个导览：title、lesson、step1…stepN（从 1 开始编号，与步骤链接中的 `&step=` 一致）；请全班先预测的步骤另有
# stepK-ask、每个选项一条消息，以及 stepK-why（与答案一起显示）。

## 每个导览在步骤之外显示的文字。
tour-ui-heading = 导览
tour-ui-intro = 带解说的脚本化运行，一步一步来：点选一个导览，然后用“下一步”“上一步”翻页（演示遥控器上的 PageDown、PageUp 也可以）。每一步都会跳到对应的时刻并暂停，全班可以先看清楚再继续；有些步骤会先请大家预测接下来会发生什么。每一步都有自己的链接：地址栏随步骤更新。
tour-ui-summary = { $lesson } · { $steps } 步 · { $questions } 个问题
tour-ui-card = 导览
tour-ui-leave = 退出导览
tour-ui-step-of = 第 { $k } 步，共 { $n } 步
tour-ui-link = 本步链接
tour-ui-link-title = 这一步专属的链接：打开后直接进入导览的这一步，停在它对应的时刻
tour-ui-previous = ◀ 上一步
tour-ui-next = 下一步 ▶
tour-ui-predict = 预测：
tour-ui-waiting = 你的答案：{ $choice }。继续播放，看看结果……
tour-ui-right = 答对了：{ $answer }。
tour-ui-wrong = 这次没猜中：你选的是“{ $choice }”，运行结果是“{ $answer }”。
tour-ui-shown = 运行结果：{ $answer }。
tour-ui-votes = { $n } 票

## 单一数据库：崩溃、重试，不重复扣款。
tour-single-retry-title = 单一数据库：崩溃、重试，不重复扣款
tour-single-retry-lesson = 为什么重试需要请求编号
tour-single-retry-step1 = 三位顾客向同一个数据库提交结账。数据库以原子方式执行每一笔结账，先写入磁盘，再回复。
tour-single-retry-step2 = 第一个请求到达：库存和钱包一起变更，订单写入磁盘，然后才发出回复。凡是已确认的，都已经落盘。
tour-single-retry-step3 = 数据库此刻崩溃。内存中的内容全部丢失，磁盘上的数据保留。就在崩溃前，它刚把请求 #18 写入磁盘并发出了回复。
tour-single-retry-step3-ask = shopper3 能收到请求 #18 的确认吗？
tour-single-retry-step3-yes = 能：回复已经在路上了
tour-single-retry-step3-no = 不能：崩溃让回复丢了，顾客只好重试
tour-single-retry-step3-why = 已经发到网络上的消息，即使发送方崩溃也照样会到达。而且这个确认是真实的：订单在回复发出之前就已落盘，数据库重启后仍然保有它。不过请注意接下来的顾客：数据库宕机期间，他们收不到任何回复。
tour-single-retry-step4 = 一位顾客的重试定时器触发。它再次发送同一个请求，并沿用同一个请求编号：假如第一次尝试其实已经成功，数据库会认出它，不会重复扣款。
tour-single-retry-step5 = 数据库重启，从磁盘读回订单：凡是它确认过的，一笔也没有丢。
tour-single-retry-step6 = 第三次尝试终于成功：无论顾客请求了多少次，都只有一笔订单、一次扣款。

## Raft：选举，然后领导者崩溃。
tour-raft-leader-crash-title = Raft：选举，然后领导者崩溃
tour-raft-leader-crash-lesson = 随机选举超时、多数派、新领导者
tour-raft-leader-crash-step1 = 五台服务器启动时都是跟随者，没有领导者。每台各自等待一个随机的选举超时；谁的定时器先触发，谁就先问其他服务器是否愿意投票给它（预投票，etcd 默认开启），再正式请求投票。
tour-raft-leader-crash-step2 = 有定时器触发了，且多数服务器表示愿意投票：这台服务器成为任期 1 的候选人，先投自己一票，再向其他所有服务器拉票。
tour-raft-leader-crash-step2-ask = 在这个五台服务器的集群里，它要拿到几票才能成为领导者？
tour-raft-leader-crash-step2-why = 五台的多数派是三台，候选人自己的一票也算在内。任意两个多数派至少有一台服务器重合，而每台服务器在一个任期内只投一票，所以同一任期不可能有两个领导者：同一任期里的第二个候选人会被拒绝。
tour-raft-leader-crash-step3 = 它拿到了多数票（5 票中的 3 票），成为任期 1 的领导者。其他服务器从它的心跳中得知这一点，成为它的跟随者。
tour-raft-leader-crash-step4 = 第一笔结账已确认：领导者把它追加到自己的日志，复制到多数派之后，才回复顾客。
tour-raft-leader-crash-step5 = 领导者 n0 此刻崩溃。跟随者再也收不到心跳；注意看哪个跟随者的选举定时器最先触发。
tour-raft-leader-crash-step5-ask = 哪台服务器会最先参选？看看各台服务器的定时器圆环。
tour-raft-leader-crash-step5-why = 它的随机选举超时最先耗尽（它的圆环最空）。因为超时是随机的，两个跟随者很少会在同一时刻发起选举、瓜分选票。
tour-raft-leader-crash-step6 = 这个跟随者的定时器最先触发：多数服务器表示愿意投票给它（预投票）之后，它开启任期 2。投票者只投给日志至少和自己一样新的候选人，因此任何已确认的订单都不会丢失。
tour-raft-leader-crash-step7 = n3 赢得了任期 2 的选举。跟随者现在把顾客引向新领导者；结账恢复正常。
tour-raft-leader-crash-step8 = n0 从磁盘重启，仍停留在旧任期，身份是跟随者。它从新领导者那里得知任期 2，并补齐自己的日志。

## Paxos：靠多数派选定值。
tour-paxos-acceptor-crash-title = Paxos：靠多数派选定值
tour-paxos-acceptor-crash-lesson = 准备 / 接受，以及为什么三个里有两个就够
tour-paxos-acceptor-crash-step1 = 两个订单服务（提议者）决定订单日志的每个槽位放哪一笔结账。三个接受者投票；一旦多数派接受了某个值，这个值就被选定。
tour-paxos-acceptor-crash-step2 = 第一阶段：提议者请接受者承诺忽略任何更小的提案编号，并告诉它自己已经接受过什么。
tour-paxos-acceptor-crash-step2-ask = orders2 以提案编号 1.4 为槽位 1 发起准备；片刻之后，orders1 以提案编号 1.3 为同一个槽位发起准备。接受者会保留哪个提案编号？
tour-paxos-acceptor-crash-step2-higher = 1.4，orders2 的
tour-paxos-acceptor-crash-step2-lower = 1.3，orders1 的
tour-paxos-acceptor-crash-step2-why = 接受者一旦承诺了提案编号 1.4，就会拒绝任何更小的编号，不管谁先到。编号大的胜出；落败者随机退避一段时间，再用更大的编号重试，这样两个提议者就不会没完没了地相互争抢。
tour-paxos-acceptor-crash-step3 = 第二阶段完成：多数派已在槽位 1 接受了结账 #1，于是它被永久选定。每个提议者学到的都是同一个值。
tour-paxos-acceptor-crash-step4 = acceptor1 此刻崩溃，只剩下两个接受者。
tour-paxos-acceptor-crash-step4-ask = 订单服务还能为下一个槽位选定值吗？
tour-paxos-acceptor-crash-step4-yes = 能，靠剩下的两个接受者
tour-paxos-acceptor-crash-step4-wait = 要等 acceptor1 重启之后才行
tour-paxos-acceptor-crash-step4-never = 不能：每个接受者都必须接受
tour-paxos-acceptor-crash-step4-why = 三个里的两个就是多数派，而 Paxos 只需要多数派：acceptor1 还没回来，下一个槽位就已经选定了。
tour-paxos-acceptor-crash-step5 = 没有 acceptor1，槽位照样被选定：三个接受者中任意两个多数派必有一个共同成员，正是这个交集保证了两个不同的值不会都被选定。
tour-paxos-acceptor-crash-step6 = acceptor1 重启。它的承诺和已接受的值从磁盘恢复：一个忘记了自己承诺的接受者，可能会让旧的提案编号胜出。

## 两阶段提交：协调者崩溃。
tour-2pc-blocking-title = 两阶段提交：协调者崩溃
tour-2pc-blocking-lesson = 为什么两阶段提交会阻塞
tour-2pc-blocking-step1 = 订单服务作为协调者，在各库存分片和支付服务之间协调每一笔结账：先让所有参与者准备，然后要么全部提交，要么全部中止。
tour-2pc-blocking-step2 = 第一阶段：协调者把事务记入日志，并请求它涉及的服务进行准备。
tour-2pc-blocking-step3 = 一个参与者预留库存，把“已准备”写入磁盘，投出 YES。从此它不能自行决定：它处于不确定状态。
tour-2pc-blocking-step4 = 所有票都是 YES：协调者先在日志中记下 COMMIT，再通知所有人。决定以日志记录为准，而不是以消息为准。
tour-2pc-blocking-step5 = 协调者此刻崩溃，就在它请求各方准备事务 #20 之后。
tour-2pc-blocking-step5-ask = 参与者为 #20 投了 YES，之后再也收不到任何消息。它们会怎么做？
tour-2pc-blocking-step5-commit = 自行提交
tour-2pc-blocking-step5-abort = 自行中止
tour-2pc-blocking-step5-wait = 等待，并一直占着库存和钱款
tour-2pc-blocking-step5-why = 投出 YES 就是一个承诺：只要协调者决定提交，参与者就必须提交；而决定是什么，只有协调者知道。如果协调者决定的是中止，自行提交就会破坏原子性；反过来，自行中止也一样。所以参与者只能等待。
tour-2pc-blocking-step6 = 参与者投了 YES，却什么也收不到。它们占着库存和钱款，既不能提交也不能中止：这就是两阶段提交的阻塞问题。请看阻塞时间图表。
tour-2pc-blocking-step6-ask = 协调者恢复之后，会对 #20 作出什么决定？
tour-2pc-blocking-step6-commit = COMMIT（提交）
tour-2pc-blocking-step6-abort = ABORT（中止）
tour-2pc-blocking-step6-why = 它的日志里没有 #20 的决定，说明它不可能已经让谁提交：按“推定中止”处理。假如崩溃前已记下 COMMIT，它就必须提交。
tour-2pc-blocking-step7 = 协调者重启，读取自己的日志。
tour-2pc-blocking-step8 = 日志中没有 #20 的决定，于是它推定中止并通知所有人：预留的库存和钱款被释放。

## 悲观锁：死锁、租约与栅栏令牌。
tour-pessimistic-deadlock-title = 悲观锁：死锁、租约与栅栏令牌
tour-pessimistic-deadlock-lesson = 等待环，以及为什么锁需要栅栏令牌
tour-pessimistic-deadlock-step1 = 锁管理器为各行数据（每件商品的库存、每个钱包）分配锁。一笔结账先锁住它要写的每一行，然后写入、提交，最后解锁。
tour-pessimistic-deadlock-step2 = 两个购物车同时开始，加锁顺序相反：一个先锁 mug 再锁 tee，另一个先锁 tee 再锁 mug。
tour-pessimistic-deadlock-step3 = 一笔结账在等待别人持有的锁。锁管理器方框里的锁表显示了排队情况。
tour-pessimistic-deadlock-step3-ask = #14.1 和 #15.1 都要 mug 和 tee，但加锁顺序相反。锁管理器会中止哪一个？
tour-pessimistic-deadlock-step3-older = #14.1，较早开始的那个
tour-pessimistic-deadlock-step3-younger = #15.1，较晚开始的那个
tour-pessimistic-deadlock-step3-neither = 都不会：它们只需要等待
tour-pessimistic-deadlock-step3-why = 双方最终各自握着对方在等的锁：这个环光靠等待永远解不开。锁管理器中止环中最年轻的结账来打破它：它做的工作最少，而最老的结账总能完成，所以不会有结账一直饿死。
tour-pessimistic-deadlock-step4 = 双方互相等待：等待图中出现了环（侧边面板中标为红色）。谁也动不了。
tour-pessimistic-deadlock-step5 = 锁管理器中止环中最年轻的那笔结账；它退避后重试，两个购物车最终都顺利完成。
tour-pessimistic-deadlock-step6 = 一位顾客刚发出写入就崩溃了，手里还握着锁。
tour-pessimistic-deadlock-step6-ask = 崩溃顾客持有的锁会怎样？
tour-pessimistic-deadlock-step6-kept = 一直锁着，直到它重启
tour-pessimistic-deadlock-step6-lease = 租约到期时，锁管理器把锁收回
tour-pessimistic-deadlock-step6-free = 其他结账可以立刻拿走
tour-pessimistic-deadlock-step6-why = 锁只是按租约借出去的。租约一到期，锁管理器就收回这些锁，崩溃的持有者不会永远挡住所有人；之后再由栅栏令牌挡住它迟到的写入。
tour-pessimistic-deadlock-step7 = 它的租约到期：锁管理器收回这些锁。再次分配之前，锁管理器先为这些行设置栅栏，存储会拒绝任何带着更旧令牌的写入。
tour-pessimistic-deadlock-step8 = 存储节点确认了栅栏。即使崩溃顾客的旧写入姗姗来迟，也会被拒绝。

## 乐观锁：六位顾客抢一个马克杯。
tour-optimistic-mug-title = 乐观锁：六位顾客抢一个马克杯
tour-optimistic-mug-lesson = 版本、冲突与退避
tour-optimistic-mug-step1 = 不加锁：每笔结账读取数据行及其版本号，写入时只有版本号没变才会成功。
tour-optimistic-mug-step2 = 六位顾客在同一时刻购买马克杯。六人读到的是同一个版本。
tour-optimistic-mug-step2-ask = 六人都按自己读到的版本发出写入，而只有一个能成功。其余的会怎样？
tour-optimistic-mug-step2-overwrite = 覆盖胜出者的写入
tour-optimistic-mug-step2-wait = 排队等锁
tour-optimistic-mug-step2-refused = 被存储拒绝
tour-optimistic-mug-step2-why = 存储会把每次写入读到的版本和该行的当前版本比较，拒绝版本已过时的写入。这里没有锁可等：被拒绝的结账退避一段时间，再用最新的值重试，所以不会丢失任何更新。
tour-optimistic-mug-step3 = 存储拒绝了一次写入：马克杯在被读取之后已经变了。方框闪红：这是冲突，不是错误。
tour-optimistic-mug-step4 = 落败者随机退避一段时间（每次尝试都更长），然后用最新的值重试。
tour-optimistic-mug-step5 = 每个版本只有一次写入胜出。其余的重试；没有更新丢失。

## 教科书式错误：写入时不检查版本。
tour-optimistic-lost-update-title = 教科书式错误：写入时不检查版本
tour-optimistic-lost-update-lesson = 丢失更新（文章 §4.5）
tour-optimistic-lost-update-step1 = 还是乐观锁的商店，但存储写入时不比较版本，就像文章里的代码片段那样。看看两笔结账读取同一行时会发生什么。
tour-optimistic-lost-update-step1-ask = 两笔结账读到同一个马克杯库存，各自把“读到的值减去自己买的数量”写回去。库存计数最后会怎样？
tour-optimistic-lost-update-step1-both = 两笔销售都被扣除
tour-optimistic-lost-update-step1-lost = 有一笔销售从计数中消失
tour-optimistic-lost-update-step1-refused = 第二次写入被拒绝
tour-optimistic-lost-update-step1-why = 第二次写入写回的是它自己读到的值减去它自己的销量：它覆盖了第一笔销售，而不是在其基础上再减。没有版本检查，就没有谁注意到这一行在中间已经变了：不变式被打破，这就是丢失更新。
tour-optimistic-lost-update-step2 = 不变式被打破：两笔结账读到相同的库存，都写入了“减一”，于是有一笔销售从库存计数中消失了：这就是丢失更新。探索器已在出事的那一刻暂停；按 ← 往回单步，就能看到那两次读取。
tour-optimistic-lost-update-step3 = 后来，六位顾客在同一时刻购买马克杯。再也没有人被拒绝：每次写入都生效，计数再次出错。

tour-paused-holder-title = 暂停的锁持有者：租约与栅栏令牌
tour-paused-holder-lesson = 为什么只有租约还不算锁，栅栏令牌又如何保住这一行
tour-paused-holder-step1 = 一个锁管理器把每把锁按租约借出（500 毫秒，持有者工作时不断续约），并给每次授予盖上一个栅栏令牌：比之前所有令牌都大的数。存储节点记住最新的栅栏。shopper0 买一个杯子。
tour-paused-holder-step2 = shopper0 持有杯子的锁，也读了库存——就在写入之前，它的进程冻结了（一次很长的垃圾回收、一次虚拟机迁移）。它无法续约，而且锁管理器到它的链路被切断：持有者不能指望听到自己的租约已经结束。
tour-paused-holder-step2-ask = shopper0 睡着时，shopper1 也想买杯子。锁管理器会怎么做？
tour-paused-holder-step2-wait = 让 shopper1 一直等到 shopper0 醒来
tour-paused-holder-step2-lease = 租约到期时收回锁，并给这一行设栅栏
tour-paused-holder-step2-at-once = 立即把锁给 shopper1
tour-paused-holder-step2-why = 锁只是按租约借出，所以冻结或崩溃的持有者不会永远挡住所有人。再次授予之前，锁管理器让存储拒绝所有比下一个令牌更旧的令牌。
tour-paused-holder-step3 = 租约到期：锁管理器收回锁，并在存储上给这些行设栅栏。
tour-paused-holder-step4 = shopper1 拿到带更新令牌的锁，卖出一个杯子。shopper0 还在睡，确信自己仍持有锁。
tour-paused-holder-step5 = shopper0 醒来，立即发出暂停之前算好的写入：旧库存减一。
tour-paused-holder-step5-ask = shopper0 的写入会怎样？
tour-paused-holder-step5-refused = 存储拒绝它：它的令牌比栅栏旧
tour-paused-holder-step5-lost = 它覆盖了 shopper1 的那笔销售
tour-paused-holder-step5-why = 这次写入带着一把已被收回的锁的令牌。存储自己拿它和栅栏比较，所以 shopper0 相信什么、睡了多久、时钟准不准都无关紧要。
tour-paused-holder-step6 = 被栅栏挡住了。shopper0 得知锁已失去，用新锁和新读到的值重试，两个杯子都被算上。下一个导览用 Redlock 重演同样的暂停，而它没有这样的令牌。

tour-redlock-title = Redlock：多数派的锁，没有栅栏令牌
tour-redlock-lesson = Redlock 之争（Kleppmann 与 antirez），一步一步演示
tour-redlock-step1 = 按 Redis 文档描述的 Redlock：五台独立的 Redis 服务器。购物者向五台都申请某一行（SET NX PX），多数派（3 台）授予后即持有它，有效期按它自己的时钟计算。每台服务器的键只属于它自己：服务器之间的授予没有先后顺序，所以没有栅栏令牌。
tour-redlock-step2 = shopper0 持有杯子：多数派已授予，按它自己的时钟还有几百毫秒有效期，工作期间在后台不断延长。
tour-redlock-step3 = shopper0 已读了库存——就在写入之前，它的进程冻结了。冻结期间，没有人延长它的键。
tour-redlock-step3-ask = shopper0 睡着时，shopper1 想买杯子。会发生什么？
tour-redlock-step3-refused = shopper1 一直被拒绝，直到 shopper0 醒来
tour-redlock-step3-expire = 键过期了，shopper1 从多数派拿到锁
tour-redlock-step3-why = 每个键设置时都带有存活时间。shopper0 冻结时没人延长它们，所以每台服务器让它们过期，并把这一行授予下一个申请者——这正是设计如此，免得死掉的客户端永远占着锁。
tour-redlock-step4 = 现在两位购物者都持有杯子的锁：键过期后多数派把它授予了 shopper1，而睡着的 shopper0 就它所知仍持有它。检查器标出了这一点：按购物者所持有的锁来看，互斥被打破了。库存此时还没有出错。
tour-redlock-step5 = shopper1 持有锁，卖出一个杯子并得到确认。shopper0 还在睡，确信自己仍持有锁。
tour-redlock-step6 = shopper0 醒来，立即发出暂停之前算好的写入：旧库存减一。
tour-redlock-step6-ask = shopper0 的写入会怎样？
tour-redlock-step6-refused = 存储拒绝它，就像有栅栏时一样
tour-redlock-step6-lost = 它覆盖了 shopper1 的那笔销售：一次更新丢失了
tour-redlock-step6-why = 存储没有任何东西可比较：两把锁都没有带令牌。写入前再检查有效期也只能缩小窗口——暂停可能恰好落在检查与写入之间（Kleppmann，《How to do distributed locking》）。antirez 的回答（《Is Redlock safe?》）是限制暂停和时钟误差；而这里的故障并不作此保证。
tour-redlock-step7 = 两位购物者都被告知“已售出”，库存却只减了一。在设置栏把锁服务换成 single 再重放：锁管理器的栅栏令牌会拒绝同一次过期写入（上一个导览）。下一个导览用由 Raft 复制的锁表重演它。模糊测试也能用分区和时钟跳变找到同样的丢失。

tour-raft-lock-title = 由 Raft 复制的锁服务：同样的暂停，被栅栏挡住
tour-raft-lock-lesson = 为什么 etcd 和 ZooKeeper 的锁带着令牌，复制能给什么、不能给什么
tour-raft-lock-step1 = 同样的商店、同样的暂停，但锁来自一张由三台服务器（n0、n1、n2）用 Raft 复制的锁表，就像 etcd 或 ZooKeeper 那样。每次授予、释放和租约到期都是一条日志条目；条目在多数派上提交后锁才被授予。
tour-raft-lock-step2 = shopper0 持有杯子。它的栅栏令牌就是授予它的那条日志条目的索引（相当于 etcd 的修订号）：之后的授予是之后的条目，令牌更大。这把锁在多数派的磁盘上：任何一台服务器崩溃（包括领导者）它都不会丢。
tour-raft-lock-step3 = shopper0 已读了库存——就在写入之前，它的进程冻结了，锁服务器的通知也到不了它。它不再续约。
tour-raft-lock-step3-ask = shopper0 睡着时，shopper1 想买杯子。复制的锁服务会怎么做？
tour-raft-lock-step3-refused = 一直拒绝 shopper1，直到 shopper0 醒来：锁在多数派上
tour-raft-lock-step3-expire = 领导者把租约到期写入日志，然后把杯子授予 shopper1
tour-raft-lock-step3-why = 复制让锁在锁服务器崩溃时不丢，却挡不住持有者的暂停。永不过期的锁会在持有者死掉时让整个商店停下，所以领导者按自己的时钟计算租约，到期时像其他命令一样把到期写入日志。
tour-raft-lock-step4 = shopper1 拿到杯子，令牌更大：一个更靠后的日志索引。睡着的 shopper0 仍以为自己持有锁——和 Redlock 下一样。
tour-raft-lock-step5 = shopper1 的读取带着它的令牌。store1 记住这一行见过的最大令牌：从此拒绝任何更旧的令牌。
tour-raft-lock-step6 = shopper0 醒来，立即发出暂停之前算好的写入：旧库存减一，带着旧令牌。
tour-raft-lock-step6-ask = shopper0 的写入会怎样？
tour-raft-lock-step6-refused = 存储拒绝它：它的令牌比栅栏旧
tour-raft-lock-step6-lost = 它覆盖了 shopper1 的那笔销售，和 Redlock 下一样
tour-raft-lock-step6-why = 日志索引给锁服务的每次授予排好了顺序，所以存储可以比较令牌，分辨过期的持有者和当前的持有者。Redlock 的五台服务器没有可供比较的共同顺序。
tour-raft-lock-step7 = 被栅栏挡住了：没有更新丢失，shopper0 用新锁重试。保住这一行的是有序的令牌和存储的检查——单靠复制做不到：没有栅栏（no-fencing 变体）时，同样的暂停在 Raft 下也会丢掉这笔销售。
tour-raft-prevote-title = 没有预投票的 Raft：一个孤立的跟随者把健康的领导者拉下台
tour-raft-prevote-lesson = 任期膨胀，以及 etcd 每次选举前先做的预投票
tour-raft-prevote-step1 = 五台服务器，本次运行关闭了预投票（默认开启，与 etcd 相同）。n0 当选任期 1 的领导者，商店正常运转。
tour-raft-prevote-step2 = 网络把 n4 单独隔离。它收不到心跳，于是选举定时器触发，一次又一次。
tour-raft-prevote-step3 = 没有预投票时，每次超时都会开启一个新任期：n4 已经到了任期 4，还在上涨。没人听得到它，所以暂时什么都没变。
tour-raft-prevote-step4 = 分区恢复。n0 仍在领导任期 1，背后有多数服务器；n4 带着高得多的任期回来了。
tour-raft-prevote-step4-ask = 健康的领导者 n0 会怎样？
tour-raft-prevote-step4-keeps = 什么也不会发生：n4 乖乖成为跟随者
tour-raft-prevote-step4-deposed = n0 退位，集群举行一次本不需要的选举
tour-raft-prevote-step4-why = 看到更高任期的服务器必须采用它并退位（图 2）。n4 在孤立时膨胀的任期，把一个毫无问题的领导者拉下台。n4 甚至赢不了选举（它的日志落后），集群只是白白损失了时间。
tour-raft-prevote-step5 = 集群又有了领导者，任期高出许多，但中间有一段时间任何结账都无法提交。勾选预投票（默认）再重放：n4 只会询问自己能否当选，任期从不上涨，n0 继续领导。
tour-raft-check-quorum-title = 没有 CheckQuorum 的 Raft：一个谁也听不到的领导者
tour-raft-check-quorum-lesson = 为什么 etcd 的领导者会清点谁在回应它，并自行退位
tour-raft-check-quorum-step1 = 五台服务器，本次运行关闭了 CheckQuorum（默认开启，与 etcd 相同）。n0 当选任期 1 的领导者。
tour-raft-check-quorum-step2 = 网络把领导者 n0 与所有其他节点隔离。其余四台服务器收不到心跳了。
tour-raft-check-quorum-step3 = 多数派选出了任期 2 的新领导者，结账经由它继续进行。n0 仍被隔离。
tour-raft-check-quorum-step3-ask = n0 现在认为自己是什么？
tour-raft-check-quorum-step3-knows = 它发现没人回应，已自行退位
tour-raft-check-quorum-step3-believes = 它仍以为自己在领导任期 1，直到听说任期 2
tour-raft-check-quorum-step3-why = 基本的 Raft 里没有任何机制告诉领导者它被孤立了：它只能从消息中得知新任期。分区恢复之前，n0 一直显示为领导者，只能联系到 n0 的客户端会一直等它。有了 CheckQuorum，领导者在一个选举超时内听不到多数派的回应就会退位。
tour-raft-check-quorum-step4 = 分区恢复了：n0 这时才听说任期 2 并退位。勾选 CheckQuorum（默认）再重放：n0 会在隔离后两个选举超时之内退位。
