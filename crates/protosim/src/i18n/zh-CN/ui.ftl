# 简体中文：页面自身的文字（按钮、标题、面板、帮助、错误信息），键名为 `ui.…`。

## 页头、标签页、横幅

ui-title = 结账协议探索器
ui-language = 语言
ui-text-size-normal = 正常字号
ui-text-size-projector = 投影字号
ui-tabs = 工具
ui-tab-explore = 探索
ui-tab-compare = 对比
ui-tab-hunt = 寻找反例
ui-tab-tours = 导览
ui-dismiss = 关闭提示
ui-close = 关闭
ui-notice-imported = 已导入一个 { $protocol } 场景（种子 { $seed }）。
ui-notice-hunt-found = 寻找反例：{ $summary } 播放器已停在出错的事件处。
ui-error-link = 此链接中没有本页可以运行的场景。
ui-error-link-why = { " " }{ $error }。改为显示默认场景。
ui-error-setup = 该设置无法运行：
ui-error-setup-why = { $error }。屏幕上的运行保持不变。
ui-error-run = 此场景无法运行：{ $error }
ui-error-compare = 此对比无法运行：{ $error }
ui-loading-title = 正在模拟一次长时间运行……
ui-loading-bar = 已模拟的进度
ui-loading-progress = 已模拟 { $now_s } 秒，共 { $until_s } 秒 · { $events } 个事件（本页最多播放 { $cap } 个）。其间页面仍可使用；选择其他场景会停止本次模拟。
ui-cut-short = 这次运行超出了本页能播放的长度：在 { $events } 个事件处被截断，即 { $until_s } 秒中的第 { $at_s } 秒。缩短运行（减少秒数、降低速率）即可在此看到结尾，或用 protosim 命令行完整运行。

## 探索视图：播放器、时间轴、事件日志、帮助、页脚

ui-player = 回放
ui-player-play = ▶ 播放
ui-player-pause = ❚❚ 暂停
ui-player-step-back = ◀ 单步后退
ui-player-step-back-tip = ← 上一个事件
ui-player-step = 单步前进 ▶
ui-player-step-tip = → 下一个事件
ui-player-restart = ↺ 回到开头
ui-player-speed = 速度{ " " }
ui-player-speed-label = 回放速度
ui-player-clock = t = { $s } 秒
ui-player-clock-end = { " " }/ { $s } 秒
ui-player-partition = ✂ 网络分区…
ui-player-partition-tip = 把节点分成无法互相通信的两组
ui-player-heal = ⚕ 修复网络
ui-player-heal-tip = 从此刻起撤销所有网络分区和断开的链路
ui-player-time = 模拟时间
ui-player-dropped-history = 为节省内存而丢弃的历史
ui-player-uncomputed = 尚未模拟：播放会在此等待，直到模拟完成这一段
ui-computing = 边模拟边播放，其余部分仍在计算：{ $progress }
ui-player-mark = { $s } 秒：{ $label }
ui-history-dropped = 这是一次长时间运行：为控制内存，本页只保留 t = { $from_s } 秒之后的回放历史；此前的 { $lines } 条日志已丢弃（时间轴上的阴影部分）。图表、总计、违例和故障标记仍覆盖整次运行。缩短运行即可回放其开头，或使用 protosim 命令行。
ui-hint-cluster = 点击节点可查看、使其崩溃或将其隔离；点击传输中的消息可将其丢弃、重复投递或延迟。
ui-seek-here = 点击跳转到这一时刻
ui-log = 事件日志
ui-log-title = 事件
ui-log-kind = 按类型筛选事件
ui-log-node = 按节点筛选事件
ui-log-all-nodes = 所有节点
ui-log-kind-all = 全部事件
ui-log-kind-messages = 消息
ui-log-kind-narration = 说明与结果
ui-log-kind-faults = 故障
ui-log-kind-timers = 定时器
ui-log-kind-violations = 违例
ui-help-title = 键盘快捷键
ui-help-keyboard = 键盘
ui-help-play = 播放 / 暂停
ui-help-remote-key = . 或 b
ui-help-remote = 播放 / 暂停（演示遥控器）
ui-help-tour-steps = 导览的下一步 / 上一步
ui-help-next = 前进到下一个事件
ui-help-previous = 后退到上一个事件
ui-help-up-key = ↑ 或 +
ui-help-faster = 加快
ui-help-down-key = ↓ 或 -
ui-help-slower = 减慢
ui-help-start = 回到开头
ui-help-help = 打开本帮助
ui-help-close = 关闭所有面板（帮助、检查器、消息、网络分区工具）
ui-totals = { $messages } 条消息（丢弃 { $dropped } 条，其中 { $by_user } 条由你丢弃）· 你的操作 { $yours } 次 · 确认结账 { $confirmed } 次 · 轨迹 { $trace } · { $events } 个事件 · { $stop }
ui-stop-end = 已到达场景设定的时间
ui-stop-computing = 仍在模拟中（以上合计只含已计算的部分）
ui-stop-limit = 提前停止：已达到上限 { $what } = { $value }

## 时间轴和时空图上的标记

ui-fault-delay = 延迟 #{ $id }
ui-fault-duplicate = 复制 #{ $id }
ui-fault-drop = 丢弃 #{ $id }
ui-fault-crash = ✖ { $node }
ui-fault-restart = ↺ { $node }
ui-fault-pause = ❚❚ { $node }
ui-fault-resume = ▶ { $node }
ui-fault-slow = 慢 { $node }
ui-fault-disk = 磁盘 { $node }
ui-fault-clock = 时钟 { $node }
ui-fault-wipe = 换盘 { $node }
ui-fault-partition = ✂ 网络分区
ui-fault-cut = ✂ { $from }→{ $to }
ui-fault-heal = 修复
ui-fault-network = 网络变更

## 集群图

ui-cluster = 集群：各节点以及它们之间传递的消息
ui-cluster-cut = ✂ 断开
ui-node-server = 服务器
ui-node-shopper = 顾客
ui-node-down = ✖ 宕机
ui-node-inspect = { $node }：查看
ui-node-tip = { $node }（{ $role }）：{ $summary }
ui-node-tip-down = { $node }（{ $role }，宕机）：{ $summary }
ui-node-paused = ❚❚ 已暂停 { $s } 秒
ui-node-slow = { $role } · 慢 { $ms } 毫秒
ui-node-fsync = { $role } · fsync { $ms } 毫秒
ui-node-clock = 时钟 { $s } 秒
ui-node-tip-paused = { $node }（{ $role }，已暂停 { $s } 秒）：{ $summary }
ui-node-more-rows = … 另有 { $more } 行（见提示）
ui-node-cell-committed = 索引 { $index } · 任期 { $term } · { $text } · 已提交
ui-node-cell-uncommitted = 索引 { $index } · 任期 { $term } · { $text } · 尚未提交
ui-node-empty-log = 日志为空
ui-node-timer = 选举定时器：{ $ms } 毫秒后触发
ui-node-blocked = ◔ 已阻塞 { $s } 秒
ui-node-refused = ⚡ 被拒绝
ui-msg-label = 消息 { $label } #{ $id }
ui-msg-tip = { $label } #{ $id } —— 点击可丢弃、重复投递或延迟
ui-spacetime = 时空图：每个节点一条泳道，每条消息一个箭头
ui-locks-nobody-waits = 目前没有事务在等待锁。
ui-locks-waits = { $waiter } 在 { $row } 上等待 { $holder }
ui-locks-graph = 等待图
ui-locks-graph-deadlock = 有环的等待图：死锁

## 面板：检查器、不变式、锁表、消息、分区工具、购物篮

ui-inspector = 检查器：{ $node }
ui-inspector-up = { " " }· 运行中
ui-inspector-down = { " " }· 宕机
ui-inspector-close = 关闭检查器
ui-inspector-crash = ✖ 使其崩溃
ui-inspector-restart = ↺ 重启
ui-inspector-paused = { " " }· 已暂停
ui-inspector-pause = ❚❚ 暂停
ui-inspector-resume = ▶ 恢复
ui-inspector-slow = 变慢：每条消息 50 毫秒
ui-inspector-fast = 恢复正常速度
ui-inspector-clock-jump = 时钟 +1 秒
ui-inspector-clock-drift = 时钟快 5%
ui-inspector-clock-steady = 时钟恢复正常
ui-inspector-disk-slow = 慢磁盘：fsync 20 毫秒
ui-inspector-disk-fast = 快磁盘
ui-inspector-wipe = 换一台机器（空磁盘）
ui-explain-redlock = 严格两阶段锁，锁来自 Redlock：五台独立锁服务器中的多数派，租约按各服务器自己的时钟计算，没有栅栏令牌
ui-explain-raft-release = 在 Raft 锁服务下，下一个持有者的读取会提高这一行的栅栏，提前的写入因此被拒绝：不会丢失任何更新
ui-inspector-isolate = ✂ 隔离
ui-inspector-fork = 操作发生在光标处：运行从那里分叉，之后的过程重新模拟。
ui-invariants-broken = ⚠ 有一条安全规则被打破：运行已在该处暂停。
ui-invariants-hold = ✔ 目前全部 { $n } 条不变式均成立
ui-liveness-rule = 一旦{ $needs }，每次结账都会在 { $bound_ms } 毫秒内得到答复
ui-liveness-none = 该协议未声明活性上限
ui-liveness-whole-run = （整次运行）
ui-liveness-pending = 整次运行模拟完成后再判定
ui-linearizability-rule = 购物者得到的每个应答都可能来自一家正确的商店：它逐个处理结账，每个结账生效于其提交与应答之间的某一时刻（只依据应答判定，正如 Jepsen 和 Porcupine 判定数据库那样）
ui-linearizability-seek = ▶ 跳到 t = { $at } 秒：反例中最后一个应答的时刻
ui-locks = 锁表与等待图
ui-locks-table = 锁表
ui-locks-none = 没有被锁定的行。
ui-locks-graph-legend = { " " }箭头表示“等待”；红色：死锁
ui-message = 消息 #{ $id }
ui-message-times = 发送于 { $sent_s } 秒，预计 { $due_s } 秒送达
ui-message-drop = ✖ 丢弃
ui-message-duplicate = ⇉ 重复投递
ui-message-delay = ◔ 延迟 200 毫秒
ui-message-not-in-flight = 此刻不在传输中。
ui-partition = 制造网络分区
ui-partition-title = 网络分区
ui-partition-tick = { " " }勾选其中一组
ui-partition-cut = ✂ 把它们与其余节点隔开
ui-basket-customer = 客户{ " " }
ui-basket-customer-label = 客户
ui-basket-buys = 购买{ " " }
ui-basket-quantity = 数量
ui-basket-item = 商品
ui-basket-submit = 🛒 提交结账

## 设置栏

ui-setup = 场景设置
ui-setup-protocol = 协议
ui-setup-variant = 变体{ " " }
ui-setup-variant-label = 变体
ui-setup-servers = 服务器{ " " }
ui-setup-servers-label = 集群规模
ui-setup-seed = 种子{ " " }
ui-setup-seed-label = 种子
ui-setup-new-seed = ⚄ 换个种子
ui-setup-more = 网络与负载
ui-setup-latency = 延迟{ " " }
ui-setup-latency-min = 最小延迟（毫秒）
ui-setup-latency-max = 最大延迟（毫秒）
ui-setup-ms = { " " }毫秒
ui-setup-loss = 丢包率{ " " }
ui-setup-loss-label = 丢包率（%）
ui-setup-dup = 重复投递率{ " " }
ui-setup-dup-label = 重复投递率（%）
ui-setup-rate = 顾客下单速率{ " " }
ui-setup-rate-label = 每秒结账次数
ui-setup-per-second = { " " }次/秒
ui-setup-reads = 读请求{ " " }
ui-setup-reads-label = 每秒库存查询次数
ui-setup-reads-help = 购物者查询某件商品还剩几件；领导者如何回答由“读取方式”选项决定
ui-setup-hot = 热门商品占比{ " " }
ui-setup-hot-label = 热门商品占比（%）
ui-setup-not-a = “{ $value }”不是{ $what }
ui-setup-not-a-protocol = “{ $value }”不是一个协议
ui-setup-wants-servers = 有效的服务器数量
ui-setup-wants-whole-number = 整数
ui-setup-wants-milliseconds = 以毫秒计的数值
ui-setup-wants-percentage = 百分比
ui-setup-wants-rate = 每秒结账次数

## 分享、导出与导入

ui-share = 分享与导出
ui-share-copy = 复制链接
ui-share-copy-tip = 地址栏始终保存着这次运行；此按钮复制该地址，并带上播放器当前的时刻
ui-share-copied = 链接已复制（{ $chars } 个字符）：打开它会得到完全相同的这次运行，并停在此刻。
ui-share-embed = 复制嵌入代码
ui-share-embed-tip = 这次运行的 iframe（800×600），可放进幻灯片或课程网页
ui-share-embed-copied = 嵌入代码已复制：粘贴到幻灯片或网页中即可。{ $code }
ui-embed-out = 在完整的探索器中打开 ↗
ui-share-scenario = ↓ 场景 JSON
ui-share-trace = ↓ 轨迹 JSON
ui-share-svg = ↓ 时空图 SVG
ui-share-history = ↓ 历史（Porcupine JSON）
ui-share-history-edn = ↓ 历史（Jepsen EDN）
ui-share-history-tip = 每位购物者提交了什么、得到了什么应答及其时间，供外部的线性一致性检查器使用
ui-share-import = ↑ 导入…
ui-share-import-file = 从文件导入{ " " }
ui-share-import-paste = 或粘贴一个场景（JSON 或分享链接）：
ui-share-import-load = 载入
ui-share-import-error = 无法载入：
ui-share-export-failed = 导出失败：{ $error }
ui-share-download-refused = 浏览器拒绝了下载：{ $error }
ui-share-no-document = 页面没有可用于下载的文档
ui-share-no-diagram = 屏幕上没有时空图
ui-share-unreadable = 无法以文本方式读取 { $file }
ui-share-empty = 没有可导入的内容：文本为空
ui-share-trace-scenario = 轨迹中的场景：{ $error }

## 寻找反例

ui-hunt-intro = 选一个教科书式的错误，让页面搜索一组由崩溃、网络分区和丢包链路组成的故障计划，使某条安全规则被打破。它在第一次违例处停下，在规则仍被打破的前提下尽量删去故障，然后在播放器中打开结果，停在出错的事件处。
ui-hunt-mistake = 错误{ " " }
ui-hunt-cancel = 取消
ui-hunt-start = 寻找反例
ui-hunt-cancelled = 已取消寻找。
ui-hunt-progress = 寻找进度
ui-hunt-status = { $phase } · 已运行 { $runs } 次 · 每秒 { $rate } 次 · { $s } 秒
ui-hunt-searching = 正在尝试随机故障计划：第 { $seed } 个种子，最多 { $max } 个
ui-hunt-shrinking = 种子 { $seed } 打破了一条规则；正在精简其故障计划：{ $before } 项干预中还剩 { $left } 项
ui-hunt-found = 已找到
ui-hunt-gave-up = 在 { $tried } 个种子中没有发现违例
ui-hunt-none = 在 { $seeds } 个种子中没有找到反例。
ui-hunt-kept-background = 一项都不需要：运行本身的背景丢包率（{ $loss }%）和重复投递率（{ $dup }%）就足够了
ui-hunt-kept-workload = 一项都不需要：仅负载本身就会打破它
ui-hunt-kept-some = 还剩 { $n } 项，去掉其中任何一项违例就会消失
ui-hunt-took-ms = { $ms } 毫秒
ui-hunt-took-s = { $s } 秒
ui-hunt-summary = 种子 { $seed } 在 { $at_s } 秒时打破了 { $invariant }。其故障计划原有 { $before } 项干预，{ $kept }（共运行 { $runs } 次，用时 { $took }，{ $searched }）。
ui-hunt-searched = { $workers ->
    [0] 在本页面中搜索
   *[other] 在 { $workers } 个 Web Worker 中搜索
}
ui-hunt-where = { $workers ->
    [0] 在本页面中搜索
   *[other] 在 { $workers } 个 Web Worker 中搜索，每个核心一个
}
ui-hunt-error = 寻找已停止：{ $error }
ui-hunt-worker-stopped = 一个 Web Worker 在搜索时停止了，寻找已结束。请重试，或重新打开页面。

## 图表（绘入 SVG）及其图例

ui-charts = 图表
ui-chart-time-axis = 模拟时间（秒）
ui-chart-confirmed = 已确认的结账
ui-chart-confirmed-unit = 结账次数
ui-chart-confirmed-line = 已确认
ui-chart-latency = 结账延迟（最近几秒内的答复）
ui-chart-ms = 毫秒
ui-chart-messages = 已发送的消息
ui-chart-per-second = 每秒
ui-chart-messages-line = 消息/秒
ui-chart-aborts = 中止与重试
ui-chart-aborts-line = 中止/秒
ui-chart-retries-line = 重试/秒
ui-chart-waiting = 等待时间
ui-chart-waiting-unit = 毫秒，平均

## 对比

ui-compare = 对比两种机制
ui-compare-play = ▶ 同时播放
ui-compare-time = 模拟时间（两次运行）
ui-compare-hint = 相同的种子、顾客、负载和故障计划（按角色对应：第 k 台服务器仍是第 k 台，第 j 位顾客仍是第 j 位；针对单条消息的操作不会带过去）。
ui-compare-with = 对比对象{ " " }
ui-compare-other = 另一种机制
ui-compare-other-variant = 另一种变体
ui-compare-side-broken = { " " }· ⚠ { $invariant } 于 { $s } 秒被打破
ui-compare-row-confirmed = 已确认
ui-compare-row-rejected = 被拒绝（库存、余额不足）
ui-compare-row-aborted = 已中止
ui-compare-row-unanswered = 结束时仍未答复
ui-compare-row-latency = 延迟 p50 / p95 / p99
ui-compare-latency = { $p50 } / { $p95 } / { $p99 } 毫秒
ui-compare-row-messages = 已发送消息
ui-compare-row-retries = 重试
ui-compare-row-safety = 安全性
ui-compare-broken = ⚠ { $invariant } 于 { $s } 秒被打破
ui-compare-held = 所有不变式均成立

## 页面自身出错时

ui-panic = 探索器内部出错了。
ui-panic-copy = 复制场景链接
ui-panic-reload = 重新加载

## 场景、链接或导入文件的错误（页面与命令行说的一样）

scenario-error-at = `{ $at }`：{ $problem }
scenario-error-probability = { $value } 不是概率（应在 0 到 1 之间）
scenario-error-range = { $value } 超出允许范围 { $lo } 到 { $hi }
scenario-error-latency-order = { $min } 大于 `latency_us_max` { $max }
scenario-error-none = 无
scenario-error-no-option = { $protocol } 没有选项 `{ $name }`（它在这里的选项：{ $has }）
scenario-error-unknown-value = 未知的值 `{ $value }`，应为以下之一：{ $expected }
scenario-error-unknown-action = 未知的操作 `{ $value }`，应为以下之一：{ $expected }
scenario-error-version = 不支持版本 { $version }；本程序读取版本 { $reads }
scenario-error-version-found = { $found } 不是本程序能读取的版本（它读取版本 { $reads }）
scenario-error-nodes = { $n } 台服务器：{ $protocol } 协议需要 { $lo } 到 { $hi } 台
scenario-error-variant = `{ $variant }` 不是 { $protocol } 的变体；可选：{ $choices }
scenario-error-rate = 每秒 { $rate } 次结账超出 0 到 { $max } 的范围
scenario-error-read-rate = 每秒 { $rate } 次读请求超出 0 到 { $max } 的范围
scenario-error-no-reads = { $protocol } 暂不提供读请求；购物者可以查询库存的协议：{ $serving }
scenario-error-interventions = { $n } 个干预；最多允许 { $max } 个
scenario-error-after-end = { $at_us } 在运行结束之后（`until_ms` = { $until_ms } 毫秒）：永远不会发生
scenario-error-two-groups = 节点 { $node } 同时在两个分组里
scenario-error-not-shopper = 节点 { $node } 不是购物者（购物者是节点 { $lo } 到 { $hi }）
scenario-error-no-node = 节点 { $node } 不存在（节点编号为 0 到 { $hi }）
scenario-error-eof = 第 { $line } 行第 { $column } 列：JSON 提前结束了（被截断了？）
scenario-error-syntax = 第 { $line } 行第 { $column } 列：这不是有效的 JSON
scenario-error-not-object = 场景必须是一个 JSON 对象
scenario-error-missing = 缺失
scenario-error-not-link = `{ $shown }` 不是场景链接（应以 `{ $prefix }` 开头）
scenario-error-link-character = 链接的第 { $position } 个字符 `{ $character }` 不能出现在场景链接里（复制时损坏了？）
scenario-error-link-not-text = 链接无法解码为文本（已损坏？）
scenario-error-link-damaged = 链接已损坏或被截断（{ $problem }）
scenario-error-expected-object = 应为一个对象，实际是{ $found }
scenario-error-unknown-field = 未知字段 `{ $field }`，应为以下之一：{ $expected }
scenario-error-missing-field = 缺少字段 `{ $field }`
scenario-error-expected-whole = 应为 0 到 { $max } 的整数，实际是{ $found }
scenario-error-expected-integer = 应为整数（可以为负），实际是{ $found }
scenario-error-expected-number = 应为数字，实际是{ $found }
scenario-error-expected-boolean = 应为 true 或 false，实际是{ $found }
scenario-error-expected-text = 应为带引号的文本，实际是{ $found }
scenario-error-expected-list = 应为列表，实际是{ $found }
scenario-error-expected-link = 应为 null 或一对节点 [from, to]，实际是{ $found }
scenario-error-not-protocol = `{ $name }` 不是协议名
scenario-error-expected-option = 应为布尔值、数字或字符串，实际是{ $found }
scenario-error-option-flag = `{ $value }` 不是 true 或 false
scenario-error-option-count = `{ $value }` 不是 { $min } 到 { $max } 之间的整数
scenario-error-option-one-of = `{ $value }` 不是以下之一：{ $names }
scenario-found-null = null
scenario-found-boolean = { $value }
scenario-found-number = 数字 { $value }
scenario-found-text = 文本“{ $value }”
scenario-found-list = 列表
scenario-found-object = 对象
ui-history-title = 购物者得到的应答：每个购物者一条泳道，每个结账或读请求一根条，从发出到应答
ui-history-confirmed = 已确认
ui-history-refused = 被拒绝
ui-history-read = 读请求
ui-history-pending = 等待中或从未应答
ui-history-open = #{ $id }：尚无应答
ui-history-tick = { $s } 秒
