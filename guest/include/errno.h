// Error numbers the guest kernel returns as negative values, as Linux does.
#pragma once

enum : int {
  ENOENT = 2,
  ENOMEM = 12,
  EFAULT = 14,
  EBUSY = 16,
  EEXIST = 17,
  EINVAL = 22,
  ENOSYS = 38,
  ETIMEDOUT = 110,
};
