"""What a client makes of relayed messages, shared by the consumer and scale-out tests."""


def skip_repeated_begins(messages, begun):
    """`messages` without a stroke.begin already seen (`begun` remembers across calls).

    A client that joins while someone draws is sent the open strokes directly, so it may
    see one stroke.begin twice; clients ignore the repeat.
    """
    kept = []
    for message in messages:
        if message["type"] == "stroke.begin":
            key = (message["author"], message["stroke"])
            if key in begun:
                continue
            begun.add(key)
        kept.append(message)
    return kept
