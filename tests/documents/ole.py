"""Real OLE compound files (the container of .doc, .xls and .ppt) for the
upload screening tests, written from the format's description: version 3,
512-byte sectors, every stream padded to the 4 KiB mini-stream cut-off so no
mini stream is needed. olefile reads them as Word's own."""

import struct

SECTOR = 512
FREE, END, FAT_MARK = 0xFFFFFFFF, 0xFFFFFFFE, 0xFFFFFFFD
NONE = 0xFFFFFFFF
SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
MIN_STREAM = 4096


def _entry(name, kind, *, left=NONE, right=NONE, child=NONE, start=END, size=0):
    encoded = (name + "\x00").encode("utf-16-le")
    return (
        encoded.ljust(64, b"\x00")
        + struct.pack("<HBB", len(encoded), kind, 1)
        + struct.pack("<III", left, right, child)
        + bytes(16 + 4 + 8 + 8)
        + struct.pack("<IQ", start, size)
    )


def ole_file(streams: dict[str, bytes]) -> bytes:
    """A compound file holding ``streams`` by path ("Macros/VBA/dir")."""
    # The tree of storages: each path part a storage, the last a stream.
    tree: dict = {}
    for path, data in streams.items():
        node = tree
        *storages, leaf = path.split("/")
        for part in storages:
            node = node.setdefault(part, {})
        node[leaf] = data.ljust(MIN_STREAM, b"\x00")

    entries: list = [None]  # 0 is the root
    data_sectors: list[bytes] = []

    def add(node: dict) -> int:
        """Entries for ``node``'s children, chained as right siblings; the
        first one's id."""
        ids = []
        for name, value in sorted(node.items(), key=lambda kv: (len(kv[0]), kv[0])):
            my_id = len(entries)
            entries.append(None)
            ids.append((my_id, name, value))
        for place, (my_id, name, value) in enumerate(ids):
            right = ids[place + 1][0] if place + 1 < len(ids) else NONE
            if isinstance(value, dict):
                child = add(value)
                entries[my_id] = ("storage", name, right, child)
            else:
                start = len(data_sectors)
                for offset in range(0, len(value), SECTOR):
                    data_sectors.append(value[offset : offset + SECTOR].ljust(SECTOR))
                entries[my_id] = ("stream", name, right, start, len(value))
        return ids[0][0] if ids else NONE

    root_child = add(tree)
    dir_sectors = -(-len(entries) * 128 // SECTOR)
    # FAT entries: FAT sectors, directory, then data; one FAT sector holds 128.
    fat_sectors = 1
    while fat_sectors * 128 < fat_sectors + dir_sectors + len(data_sectors):
        fat_sectors += 1
    first_dir = fat_sectors
    first_data = fat_sectors + dir_sectors

    fat = [FAT_MARK] * fat_sectors
    fat += [first_dir + i + 1 for i in range(dir_sectors - 1)] + [END]
    # Chain each stream's sectors.
    chains = {}
    for item in entries[1:]:
        if item[0] == "stream":
            _, _, _, start, size = item
            count = -(-size // SECTOR)
            chains[start] = count
    data_fat = []
    position = 0
    while position < len(data_sectors):
        count = chains[position]
        for i in range(count):
            nxt = first_data + position + i + 1 if i + 1 < count else END
            data_fat.append(nxt)
        position += count
    fat += data_fat
    fat += [FREE] * (fat_sectors * 128 - len(fat))

    directory = [_entry("Root Entry", 5, child=root_child)]
    for item in entries[1:]:
        if item[0] == "storage":
            _, name, right, child = item
            directory.append(_entry(name, 1, right=right, child=child))
        else:
            _, name, right, start, size = item
            directory.append(
                _entry(name, 2, right=right, start=first_data + start, size=size)
            )
    dir_bytes = b"".join(directory)
    dir_bytes += _entry("", 0) * ((dir_sectors * SECTOR - len(dir_bytes)) // 128)

    difat = list(range(fat_sectors)) + [FREE] * (109 - fat_sectors)
    header = (
        SIGNATURE
        + bytes(16)
        + struct.pack("<HHHHH", 0x3E, 3, 0xFFFE, 9, 6)
        + bytes(6)
        + struct.pack(
            "<IIIIIIIII", 0, fat_sectors, first_dir, 0, MIN_STREAM, END, 0, END, 0
        )
        + struct.pack("<109I", *difat)
    )
    assert len(header) == SECTOR
    return (
        header + struct.pack(f"<{len(fat)}I", *fat) + dir_bytes + b"".join(data_sectors)
    )
