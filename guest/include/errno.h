// Error numbers the guest kernel returns as negative values, as Linux does.
#pragma once

enum : int {
  ENOENT = 2,
  EIO = 5,
  EBADF = 9,
  EAGAIN = 11,
  ENOMEM = 12,
  EFAULT = 14,
  EBUSY = 16,
  EEXIST = 17,
  EINVAL = 22,
  EFBIG = 27,
  ENOSPC = 28,
  ENOSYS = 38,
  ETIMEDOUT = 110,
};
