"""What the public may see of a holder's name: enough to match a person in front of you, not
enough to find them. 张三丰 → 张*丰, 李四 → 李*, 欧阳小明 → 欧**明, Anna Lee → A*** L**."""


def mask_name(name: str) -> str:
    name = " ".join((name or "").split())
    if not name:
        return "*"
    if any(ch.isdigit() for ch in name):
        return "*" * min(len(name), 3)  # a name made of digits is likely a phone or ID number
    if " " in name:
        return " ".join(_mask_word(word) for word in name.split(" "))
    return _mask_word(name)


def _mask_word(word: str) -> str:
    if len(word) == 1:
        return "*"
    if len(word) == 2 or word.isascii():
        return word[0] + "*" * (len(word) - 1)
    return word[0] + "*" * (len(word) - 2) + word[-1]
