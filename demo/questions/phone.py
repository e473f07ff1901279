"""Final quiz: phone basics."""

TITLE = "结业测验：一线手机基本功"
QUESTIONS = [
    {
        "kind": "hotspot",
        "text": "微信右上角的“＋”菜单已经打开，点哪里扫一扫？",
        "image": "phone-wechat-menu-plain",
        "areas": [{"shape": "rect", "x": 0.5, "y": 0.2, "w": 0.46, "h": 0.07}],
        "explanation": "扫一扫在菜单的第三行。",
    },
    {
        "kind": "multiple",
        "text": "二维码扫不出来，可以怎么办？",
        "choices": [
            {"text": "把手机拉远一点", "correct": True},
            {"text": "擦一下镜头", "correct": True},
            {"text": "光线暗时打开手电筒", "correct": True},
            {"text": "使劲摇晃手机"},
        ],
        "explanation": "拉远一点、擦镜头、开手电，多数码都能扫出来。",
    },
    {
        "kind": "single",
        "text": "同事在聊天里发来一张带二维码的图片，怎么打开？",
        "choices": [
            {"text": "长按图片，选“识别图中二维码”", "correct": True},
            {"text": "用另一台手机对着屏幕扫"},
            {"text": "打不开，只能打印出来"},
        ],
        "explanation": "长按图片就能识别图中的二维码。",
    },
    {
        "kind": "true_false",
        "text": "电线杆上贴着“扫码领补贴”的二维码，可以扫一下看看。",
        "true_answer": False,
        "explanation": "来历不明的码可能是诈骗，工作用的码以社区发的为准。",
    },
    {
        "kind": "single",
        "text": "怎样找到最近用过的小程序？",
        "choices": [
            {"text": "在微信聊天列表从上往下拉", "correct": True},
            {"text": "去手机的应用商店重新下载"},
            {"text": "重启手机"},
        ],
        "explanation": "下拉聊天列表就能看到最近使用的小程序。",
    },
    {
        "kind": "single",
        "text": "一个只用来查看通知的小程序要求读取你的通讯录，你应该？",
        "choices": [
            {"text": "拒绝，它不需要通讯录", "correct": True},
            {"text": "同意，不然用不了"},
            {"text": "同意，反正通讯录没什么"},
        ],
        "explanation": "权限申请先想想为什么要：不需要的权限不给。",
    },
    {
        "kind": "fill_blank",
        "text": "多数手机截图的方法：同时按电源键和音量______键。（填一个字）",
        "answers": [{"text": "减", "feedback": "对：电源键 + 音量减键。"}],
        "explanation": "多数手机是电源键 + 音量减键；没有主屏幕按钮的苹果手机是侧边按钮 + 音量加键。",
    },
    {
        "kind": "ordering",
        "text": "把报错页面截图发给技术支持，按什么顺序？",
        "steps": ["截图", "用马赛克遮住居民信息", "在聊天里选中截图发送", "用一句话说明问题"],
        "explanation": "截图、遮挡、发送、说明。",
    },
    {
        "kind": "true_false",
        "text": "截图里有居民的电话，只要是发给同事就没关系，不用遮挡。",
        "true_answer": False,
        "explanation": "只想说明“按钮点不动”，就不需要露出任何一个居民的信息。",
    },
    {
        "kind": "hotspot",
        "text": "在字体大小设置页，拖动哪里把字调大？",
        "image": "phone-font-size-plain",
        "areas": [{"shape": "rect", "x": 0.06, "y": 0.66, "w": 0.88, "h": 0.09}],
        "explanation": "拖动下方从“小”到“大”的滑块。",
    },
    {
        "kind": "single",
        "text": "在手机设置里找不到“字体大小”，最快的办法是？",
        "choices": [
            {"text": "在设置顶部的搜索框里搜“字体”", "correct": True},
            {"text": "恢复出厂设置"},
            {"text": "换一部手机"},
        ],
        "explanation": "不同品牌菜单名称不同，搜索最快。",
    },
    {
        "kind": "true_false",
        "text": "微信的字体大小和手机系统的字体大小要分别设置。",
        "true_answer": True,
        "explanation": "手机系统和微信要分别设置；微信里也可以打开关怀模式。",
    },
    {
        "kind": "single",
        "text": "用语音输入写了一条消息，发送前最要紧的是？",
        "choices": [
            {"text": "从头看一遍，特别是人名、楼栋号和数字", "correct": True},
            {"text": "马上发，越快越好"},
            {"text": "再录一遍语音消息"},
        ],
        "explanation": "语音输入最容易在人名、楼栋号和数字上出错。",
    },
    {
        "kind": "multiple",
        "text": "保护手机和工作账号，要做哪些事？",
        "choices": [
            {"text": "设锁屏密码，不用 123456 或生日", "correct": True},
            {"text": "工作账号不外借", "correct": True},
            {"text": "验证码不告诉任何人", "correct": True},
            {"text": "把密码写在手机壳背面"},
        ],
        "explanation": "锁屏、不外借、不给验证码。",
    },
    {
        "kind": "single",
        "text": "“领导”加你微信，让你先垫付一笔钱，你应该？",
        "choices": [
            {"text": "先打电话向领导本人核实", "correct": True},
            {"text": "马上转账，领导急用"},
            {"text": "转一半试试"},
        ],
        "explanation": "要转账、要验证码的，先用已知的电话核实；拿不准可咨询 96110。",
    },
    {
        "kind": "fill_blank",
        "text": "遇到可疑的电话或消息拿不准，可以咨询反诈预警劝阻专线______。（填数字）",
        "answers": [{"text": "96110", "feedback": "对，96110。"}],
        "explanation": "拿不准时咨询 96110；已经被骗了立即拨打 110。",
    },
    {
        "kind": "single",
        "text": "工作手机丢了，第一件事是？",
        "choices": [
            {"text": "马上报告，请管理员暂停工作账号", "correct": True},
            {"text": "等几天看能不能找回来"},
            {"text": "什么都不用做"},
        ],
        "explanation": "手机里有居民的信息，丢了就可能泄露：马上报告、暂停账号。",
    },
]
