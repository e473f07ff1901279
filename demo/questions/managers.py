"""Final quiz: for training managers."""

TITLE = "结业测验：培训管理员"
QUESTIONS = [
    {
        "kind": "single",
        "text": "你负责民生路社区，能看到哪些人的培训情况？",
        "choices": [
            {"text": "民生路社区及其下级单位的人", "correct": True},
            {"text": "全区所有社区的人"},
            {"text": "只有自己"},
        ],
        "explanation": "你的权限范围是负责单位及其下级单位。",
    },
    {
        "kind": "true_false",
        "text": "指派课程时勾选一个单位，就包括了它下面的所有单位。",
        "true_answer": True,
        "explanation": "勾选一个单位就包括它下面的所有单位，以后新来的人也会自动收到。",
    },
    {
        "kind": "single",
        "text": "新人上岗培训，截止日期最适合怎么设？",
        "choices": [
            {"text": "“加入后 N 天内”", "correct": True},
            {"text": "一个已经过去的日期"},
            {"text": "不设截止日期，也不说明"},
        ],
        "explanation": "新人加入的时间各不相同，用“加入后 N 天内”，谁都不会一来就逾期。",
    },
    {
        "kind": "multiple",
        "text": "新建一个指派，要设置哪些内容？",
        "choices": [
            {"text": "课程", "correct": True},
            {"text": "单位（需要时加岗位）", "correct": True},
            {"text": "截止日期", "correct": True},
            {"text": "学员的手机型号"},
        ],
        "explanation": "指派 = 课程 + 单位（和岗位） + 截止日期，再写一句说明。",
    },
    {
        "kind": "single",
        "text": "报表里“学习中”的人是指？",
        "choices": [
            {"text": "学了一部分，或者测验还没通过的人", "correct": True},
            {"text": "一课都没打开的人"},
            {"text": "已经拿到证书的人"},
        ],
        "explanation": "未开始：一课没开；学习中：学了一部分或测验没过；已完成：全部学完并通过。",
    },
    {
        "kind": "hotspot",
        "text": "在培训报表的完成情况页，哪一行的已逾期人数最多（红色数字）？点一下那一行。",
        "image": "phone-report-dashboard-plain",
        "areas": [{"shape": "rect", "x": 0.04, "y": 0.5, "w": 0.92, "h": 0.17}],
        "explanation": "先看完成率，再看红色的已逾期人数，点单位名往下看具体的人。",
    },
    {
        "kind": "ordering",
        "text": "跟进一个完成率很低的社区，按什么顺序？",
        "steps": ["点单位名往下看到具体的人", "分清是没开始还是卡在测验", "先问原因", "按原因给办法"],
        "explanation": "原因不同，办法也不同：先看清、再问、再帮。",
    },
    {
        "kind": "true_false",
        "text": "为了督促大家，可以把逾期名单截图发到工作大群里点名。",
        "true_answer": False,
        "explanation": "逾期名单是个人信息；一对一提醒效果更好，也不伤人。",
    },
    {
        "kind": "single",
        "text": "某人学完了所有课，测验两次没通过，你应该？",
        "choices": [
            {"text": "看他的学习记录找出答错的内容，建议他重看对应的课", "correct": True},
            {"text": "直接为他标记完成"},
            {"text": "取消他的指派"},
        ],
        "explanation": "学习记录里能看到每次测验的分数，找出薄弱处再学。",
    },
    {
        "kind": "single",
        "text": "某道测验题大多数人都答错了，最可能说明什么？",
        "choices": [
            {"text": "课程可能没讲清楚，应反馈给培训中心", "correct": True},
            {"text": "学员都不认真"},
            {"text": "不说明任何问题"},
        ],
        "explanation": "大多数人答错的题，先检查课程，而不是只催学员重做。",
    },
    {
        "kind": "fill_blank",
        "text": "为参加了线下培训的人，在学习记录上点“标记______”，并写清原因。（填两个字）",
        "answers": [{"text": "完成", "feedback": "对：标记完成。"}],
        "explanation": "标记完成时写清日期和培训名称，例如“3 月 3 日已参加线下培训”。",
    },
    {
        "kind": "multiple",
        "text": "关于“标记完成”，哪些说法是对的？",
        "choices": [
            {"text": "每次标记都会写入网站历史", "correct": True},
            {"text": "原因要写清日期和培训名称", "correct": True},
            {"text": "只为真正参加了培训的人标记", "correct": True},
            {"text": "为了报表好看，可以给所有人标记"},
        ],
        "explanation": "标记完成有据可查，只为真正参加了培训的人标记。",
    },
    {
        "kind": "single",
        "text": "街道只要各社区的完成率，你应该导出什么？",
        "choices": [
            {"text": "完成情况报表，不导出带姓名的人员名单", "correct": True},
            {"text": "所有人的人员名单和成绩"},
            {"text": "所有报表都导出一份"},
        ],
        "explanation": "按《个人信息保护法》第六条最小必要：要什么导出什么。",
    },
    {
        "kind": "true_false",
        "text": "导出的文件和屏幕上看到的行、列完全一样，所以导出前要先设好筛选条件。",
        "true_answer": True,
        "explanation": "先筛选，再下载：导出的就是屏幕上的内容。",
    },
    {
        "kind": "numeric",
        "text": "一门 30 分钟左右的课，按课程的建议，截止日期至少给几周？",
        "answers": [
            {"text": "2", "feedback": "对，两到四周比较合适。"},
            {"text": "4", "weight": 0.5, "feedback": "四周是上限，至少两周。"},
        ],
        "explanation": "一线人员常在值班间隙学习，两到四周比较合适。",
    },
    {
        "kind": "single",
        "text": "这个月导出的“已指派”人数比上个月多了，最可能的原因是？",
        "choices": [
            {"text": "有新人加入或人员调入，自动收到了指派", "correct": True},
            {"text": "系统出错"},
            {"text": "有人学了两遍"},
        ],
        "explanation": "新人加入、人员调动都会让已指派人数变化；先核对筛选条件和日期范围。",
    },
    {
        "kind": "single",
        "text": "导出的表格发给街道以后，应该？",
        "choices": [
            {"text": "删除自己电脑和手机上多余的副本", "correct": True},
            {"text": "转发到自己的微信收藏备份"},
            {"text": "打印出来贴在公告栏"},
        ],
        "explanation": "导出的文件也是个人信息：用工作渠道发送，删除多余副本。",
    },
]
