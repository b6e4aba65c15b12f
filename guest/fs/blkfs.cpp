// blkfs: files as fixed extents of the disk, handed out in creation order.
#include "guest/drivers/blkdev.h"
#include "guest/fs/fs.h"
#include "guest/include/compiler.h"
#include "guest/lib/string.h"
#include "guest/mm/slab.h"

namespace {

struct blkfs_super {
  spinlock_t lock;
  bool probed;
  u64 nr_blocks;   // the disk's capacity
  u64 next_block;  // first block no file owns
};
constinit blkfs_super sb{};

// The number of blocks a new file may take from next_block; 0 if it does not fit.
bool reserve_extent(u64 blocks, u64* first) {
  spin_guard guard(&sb.lock);
  if (!sb.probed) {
    sb.probed = true;
    sb.nr_blocks = blkdev_capacity(abi::BLK_DEV_DISK);
  }
  if (!blocks || blocks > sb.nr_blocks - sb.next_block) return false;
  *first = sb.next_block;
  sb.next_block += blocks;
  return true;
}

}  // namespace

inode* blkfs_create(const char* name, u64 max_size) {
  u64 blocks = round_up(max_size, PAGE_SIZE) / PAGE_SIZE;
  auto* ino = static_cast<inode*>(kzalloc(sizeof(inode)));
  if (!ino) return nullptr;
  ino->i_data.i_pages = static_cast<page**>(kzalloc(blocks * sizeof(page*)));
  if (!ino->i_data.i_pages || !reserve_extent(blocks, &ino->disk_block)) {
    kfree(ino->i_data.i_pages);
    kfree(ino);
    return nullptr;
  }
  strlcpy(ino->name, name, sizeof(ino->name));
  ino->max_size = blocks * PAGE_SIZE;
  ino->i_data.host = ino;
  ino->i_data.nr_slots = blocks;
  return ino;
}

u64 blkfs_free_blocks() {
  spin_guard guard(&sb.lock);
  return sb.probed ? sb.nr_blocks - sb.next_block : blkdev_capacity(abi::BLK_DEV_DISK);
}
