// Scheduling settings: schedule files, durations, --schedule/--record/--delay,
// manifests with marks and a built-in schedule, and the checks before a run.
#include "vmm/builder/schedule_settings.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "vmm/boot/elf_builder.h"
#include "vmm/builder/image_source.h"
#include "vmm/errors.h"

namespace shadowtlb::vmm {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;
using ::testing::HasSubstr;
using ::testing::StartsWith;

template <typename F>
std::string config_error(F&& f) {
  try {
    f();
  } catch (const ConfigError& e) {
    return e.what();
  }
  return "";
}

ScheduleOverrides with_schedule(std::string schedule) {
  ScheduleOverrides o;
  o.schedule = std::move(schedule);
  return o;
}
ScheduleOverrides with_record(std::string record) {
  ScheduleOverrides o;
  o.record = std::move(record);
  return o;
}
ScheduleOverrides with_delays(std::vector<std::string> delays) {
  ScheduleOverrides o;
  o.delays = std::move(delays);
  return o;
}

class ScheduleSettingsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    dir_ = fs::temp_directory_path() /
           ("shadowtlb_schedule_" + std::to_string(::getpid()) + "_" + info->name());
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  std::string write(const std::string& name, const std::string& text) {
    const fs::path path = dir_ / name;
    std::ofstream(path) << text;
    return path.string();
  }
  std::string write_elf() {
    const std::vector<std::byte> elf = test::ElfBuilder::minimal().build();
    const fs::path path = dir_ / "kernel.elf";
    std::ofstream(path, std::ios::binary)
        .write(reinterpret_cast<const char*>(elf.data()), static_cast<std::streamsize>(elf.size()));
    return path.string();
  }
  // A manifest for a minimal ELF with the given extra text (marks, schedule).
  std::string manifest(const std::string& extra) {
    write_elf();
    return write("machine.textproto", "image: \"kernel.elf\"\nvcpus: 2\n" + extra);
  }

  fs::path dir_;
};

TEST_F(ScheduleSettingsTest, AScheduleFileParses) {
  const proto::Schedule s = load_schedule(write("s.textproto", R"(
    begin_mark: "race.begin"
    step { vcpu: 0 until_mark: "race.t1.wrote_1" note: "1: the first write" }
    step { vcpu: 1 until_mark: "move_ptes.unlock" count: 2 or_blocked: true }
    step { vcpu: 1 points: 12 last_point: "yield" }
  )"));
  EXPECT_EQ(s.begin_mark(), "race.begin");
  ASSERT_EQ(s.step_size(), 3);
  EXPECT_EQ(s.step(1).count(), 2u);
  EXPECT_TRUE(s.step(1).or_blocked());
  EXPECT_EQ(s.step(2).points(), 12u);
}

TEST_F(ScheduleSettingsTest, ABadScheduleNamesTheFileAndLine) {
  const std::string path = write("bad.textproto", "step { vcpu: 0 }\nstep { cpu: 1 }\n");
  EXPECT_EQ(config_error([&] { (void)load_schedule(path); }),
            path + ":2:11: Message type \"shadowtlb.proto.Step\" has no field named \"cpu\".");
  EXPECT_THAT(config_error([&] { (void)load_schedule(dir_ / "missing.textproto"); }),
              StartsWith("cannot read schedule '"));
}

TEST(Duration, UnitsAndLimits) {
  EXPECT_EQ(parse_duration("10ms", "--delay m"), 10ms);
  EXPECT_EQ(parse_duration("200us", "--delay m"), 200us);
  EXPECT_EQ(parse_duration("1s", "--delay m"), 1s);
  EXPECT_EQ(parse_duration("1.5s", "--delay m"), 1500ms);
  EXPECT_EQ(parse_duration("750ns", "--delay m"), 750ns);
  EXPECT_EQ(config_error([] { (void)parse_duration("10", "--delay m"); }),
            "--delay m=10: not a duration (a number with ns, us, ms or s, e.g. 10ms)");
  for (const char* bad : {"ms", "x10ms", "10 ms", "10min", "-5ms", ""})
    EXPECT_THAT(config_error([&] { (void)parse_duration(bad, "--delay m"); }),
                StartsWith("--delay m=")) << bad;
  EXPECT_EQ(config_error([] { (void)parse_duration("61s", "--delay m"); }),
            "--delay m=61s: a delay is at least 1ns and at most 60s");
  EXPECT_THAT(config_error([] { (void)parse_duration("0ms", "--delay m"); }),
              HasSubstr("at least 1ns"));
}

TEST_F(ScheduleSettingsTest, ScheduleKeywordsAndFiles) {
  sched::ScheduleOptions o;
  o.steps.add_step();  // as if a manifest had given steps
  apply_schedule_overrides(with_schedule("free"), o);
  EXPECT_EQ(o.mode, sched::ScheduleMode::free);
  EXPECT_EQ(o.steps.step_size(), 0);

  apply_schedule_overrides(with_schedule("controlled"), o);
  EXPECT_EQ(o.mode, sched::ScheduleMode::controlled);
  EXPECT_EQ(o.steps.step_size(), 0);

  const std::string path = write("s.textproto", "step { vcpu: 1 until_mark: \"mmap\" }");
  apply_schedule_overrides(with_schedule(path), o);
  EXPECT_EQ(o.mode, sched::ScheduleMode::controlled);
  EXPECT_EQ(o.steps.step_size(), 1);
  EXPECT_EQ(o.origin, path);

  EXPECT_THAT(config_error([&] { apply_schedule_overrides(with_schedule("fre"), o); }),
              StartsWith("cannot read schedule 'fre'"));
}

TEST_F(ScheduleSettingsTest, RecordAndDelays) {
  sched::ScheduleOptions o;
  ScheduleOverrides both = with_delays({"move_ptes.unlock=10ms", "flush_tlb=2s"});
  both.record = "run.textproto";
  apply_schedule_overrides(both, o);
  EXPECT_EQ(o.record_path, "run.textproto");
  ASSERT_EQ(o.delays.size(), 2u);
  EXPECT_EQ(o.delays.at("move_ptes.unlock"), 10ms);
  EXPECT_EQ(o.delays.at("flush_tlb"), 2s);

  sched::ScheduleOptions again;
  EXPECT_EQ(config_error([&] { apply_schedule_overrides(with_delays({"mmap=1ms", "mmap=2ms"}), again); }),
            "--delay mmap: given twice");
  EXPECT_EQ(config_error([&] { apply_schedule_overrides(with_delays({"mmap"}), again); }),
            "--delay 'mmap': expected MARK=DURATION (e.g. move_ptes.unlock=10ms)");
  EXPECT_EQ(config_error([&] { apply_schedule_overrides(with_record(""), again); }),
            "--record: the file name is empty");
}

TEST_F(ScheduleSettingsTest, AManifestScheduleMakesTheRunControlled) {
  const std::string path = manifest(R"(
    marks: ["demo.begin", "demo.wrote"]
    schedule { begin_mark: "demo.begin" step { vcpu: 1 until_mark: "demo.wrote" } }
  )");
  VmConfig config = make_vm_config(path, {});
  EXPECT_EQ(config.sched.mode, sched::ScheduleMode::controlled);
  EXPECT_EQ(config.sched.steps.step_size(), 1);
  EXPECT_EQ(config.sched.image_marks, (std::vector<std::string>{"demo.begin", "demo.wrote"}));
  EXPECT_EQ(config.sched.origin, path);

  CliOverrides free;
  free.schedule.schedule = "free";
  config = make_vm_config(path, free);
  EXPECT_EQ(config.sched.mode, sched::ScheduleMode::free);
  EXPECT_EQ(config.sched.steps.step_size(), 0);
}

TEST_F(ScheduleSettingsTest, WithoutAScheduleRunsAreFree) {
  VmConfig config = make_vm_config(manifest(""), {});
  EXPECT_EQ(config.sched.mode, sched::ScheduleMode::free);
  // The built-in selftest image has no schedule either.
  EXPECT_EQ(make_vm_config("selftest", {}).sched.mode, sched::ScheduleMode::free);
}

TEST_F(ScheduleSettingsTest, AScheduleIsCheckedAgainstTheMachineBeforeTheRun) {
  const std::string path = manifest("marks: \"demo.wrote\"\n");
  CliOverrides o;
  o.schedule.schedule = write("s.textproto", "step { vcpu: 0 until_mark: \"demo.wrote\" }\n"
                                             "step { vcpu: 1 until_mark: \"demo.wrot\" }\n");
  EXPECT_THAT(config_error([&] { (void)make_vm_config(path, o); }),
              HasSubstr("s.textproto: schedule step 2 (vCPU 1 until mark 'demo.wrot'): unknown "
                        "mark 'demo.wrot'"));
  o.schedule.schedule = write("t.textproto", "step { vcpu: 2 until_mark: \"mmap\" }\n");
  EXPECT_THAT(config_error([&] { (void)make_vm_config(path, o); }),
              HasSubstr("t.textproto: schedule step 1 (vCPU 2 until mark 'mmap'): vCPU 2 does not "
                        "exist; the machine has 2 vCPUs"));
  o.vcpus = 3;
  EXPECT_EQ(config_error([&] { (void)make_vm_config(path, o); }), "");
}

TEST_F(ScheduleSettingsTest, ABuiltInScheduleIsCheckedWhereItComesFrom) {
  const std::string path = manifest("schedule { step { vcpu: 0 until_mark: \"no.such.mark\" } }\n");
  EXPECT_THAT(config_error([&] { (void)make_vm_config(path, {}); }),
              HasSubstr("machine.textproto: schedule step 1 (vCPU 0 until mark 'no.such.mark'): "
                        "unknown mark"));
}

}  // namespace
}  // namespace shadowtlb::vmm
