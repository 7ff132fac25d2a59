// vmb-pipeline on its tiny preset: every stage, the report, skipping finished stages, re-running
// what a changed key touches, resuming after a kill with the same results, bad configuration.

#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <set>
#include <thread>

#include "run.hpp"
#include "vmb/datagen/model_set.hpp"
#include "vmb/io/model_io.hpp"
#include "vmb/network/train.hpp"

namespace {

namespace fs = std::filesystem;
const std::string kPipeline = VMB_PIPELINE;

std::string read(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  return std::string((std::istreambuf_iterator<char>(in)), {});
}

std::string pipeline(const std::string& run, const std::string& extra = "") {
  return kPipeline + " --preset tiny --run.folder " + run + " --run.threads 1" + extra;
}

}  // namespace

TEST(Pipeline, TinyPresetRunsEveryStageAndSkipsThemAfter) {
  vmb::test::TempDir dir;
  auto r = vmb::test::run(pipeline(dir / "run"));
  ASSERT_EQ(r.exit_code, 0) << r.output;
  for (const char* f : {"report.html", "report.json", "manifest.tsv", "eval/test_seg/metrics.json",
                        "train/pretrain/loss.png", "train/finetune/checkpoint.pt"})
    EXPECT_TRUE(fs::exists(dir / ("run/" + std::string(f)))) << f;
  const std::string json = read(dir / "run/report.json");
  for (const char* key : {"\"metrics\"", "\"test_simulated\"", "\"test_seg\"", "\"baseline\"",
                          "\"paper_ssim\"", "\"data_misfit\"", "\"stage_seconds\"", "\"loss\""})
    EXPECT_NE(json.find(key), std::string::npos) << key;
  // Every prediction's data misfit: re-simulated, against the test set's gathers.
  const auto report = nlohmann::json::parse(json);
  for (const char* set : {"test_simulated", "test_seg"})
    for (const char* who : {"network", "baseline"}) {
      const double misfit = report["metrics"][set][who]["data_misfit"];
      EXPECT_GT(misfit, 0.0) << set << " " << who;
      EXPECT_LT(misfit, 10.0) << set << " " << who;
    }
  // The FWI comparison: the network, FWI from the smoothed truth and FWI from the network.
  for (const char* method : {"network", "fwi_smooth", "fwi_network"}) {
    EXPECT_GT(double(report["fwi"][method]["data_misfit"]), 0.0) << method;
    EXPECT_GT(double(report["fwi"][method]["ssim"]), 0.0) << method;
  }
  EXPECT_TRUE(fs::exists(dir / "run/fwi/panel_0.png"));
  EXPECT_NE(read(dir / "run/report.html").find("fwi/panel_0.png"), std::string::npos);
  const std::string rows = read(dir / "run/eval/test_seg/data_misfit.csv");
  EXPECT_EQ(std::count(rows.begin(), rows.end(), '\n'), 1 + 3) << rows;  // header, 3 test models
  EXPECT_NE(read(dir / "run/report.html").find("eval/test_seg/panel_00000.png"), std::string::npos);

  // Again: nothing to do.
  r = vmb::test::run(pipeline(dir / "run"));
  ASSERT_EQ(r.exit_code, 0) << r.output;
  int skipped = 0;
  for (std::size_t at = 0; (at = r.output.find("done before, skipped", at)) != std::string::npos;
       ++at)
    ++skipped;
  EXPECT_EQ(skipped, 21) << r.output;

  // A fine-tuning key changes: that stage and the ones after it run, the ones before do not.
  const std::string pretrained = read(dir / "run/train/pretrain/checkpoint.pt");
  r = vmb::test::run(pipeline(dir / "run", " --finetune.epochs 3"));
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("train.pretrain: done before, skipped"), std::string::npos) << r.output;
  EXPECT_EQ(r.output.find("train.finetune: done before"), std::string::npos) << r.output;
  EXPECT_EQ(r.output.find("eval.test_seg: done before"), std::string::npos) << r.output;
  EXPECT_TRUE(read(dir / "run/train/pretrain/checkpoint.pt") == pretrained);
}

// With the FCNVMB release, its ten SEG/EAGE slices, resampled to the tiny grid, are a third test
// set of the fine-tuned network, reported on its own; without one (test.release_seg none) the
// stages do nothing and the report leaves the section out.
TEST(Pipeline, ReleasedSegSlicesAreAThirdTestSet) {
  const std::string release = std::string(VMB_SOURCE_DIR) + "/../shared/data/fcnvmb-release";
  if (!fs::exists(release)) GTEST_SKIP() << "no FCNVMB release at " << release;
  vmb::test::TempDir dir;
  auto r = vmb::test::run(pipeline(dir / "run", " --quiet --test.release_seg " + release));
  ASSERT_EQ(r.exit_code, 0) << r.output;
  const std::string metrics = read(dir / "run/eval/release_seg/metrics.json");
  EXPECT_NE(metrics.find("\"samples\": 10"), std::string::npos) << metrics;
  EXPECT_NE(read(dir / "run/report.json").find("\"release_seg\""), std::string::npos);
  EXPECT_NE(read(dir / "run/report.html").find("SEG/EAGE slices"), std::string::npos);
  r = vmb::test::run(pipeline(dir / "none", " --quiet --test.release_seg none"));
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_FALSE(fs::exists(dir / "none/eval/release_seg/metrics.json"));
  EXPECT_EQ(read(dir / "none/report.html").find("SEG/EAGE slices"), std::string::npos);
  r = vmb::test::run(pipeline(dir / "bad", " --test.release_seg " + std::string(dir / "nowhere")));
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.output.find("test.release_seg: "), std::string::npos) << r.output;
  EXPECT_FALSE(fs::exists(dir / "bad/manifest.tsv"));  // refused before any stage
}

// Windows of the SEAM salt section are a further real test set, reported apart; test.seam none
// leaves it out and a missing section is refused before any stage.
TEST(Pipeline, SeamSectionWindowsAreAFurtherTestSet) {
  const std::string seam =
      std::string(VMB_SOURCE_DIR) +
      "/../shared/data/real-models/deeplogs_seam_i_salt_nz151_nx1751_f32le.bin";
  if (!fs::exists(seam)) GTEST_SKIP() << "no SEAM section at " << seam;
  vmb::test::TempDir dir;
  auto r = vmb::test::run(pipeline(dir / "run", " --quiet --test.release_seg none --test.seam " +
                                                    seam + " --test.seam_windows 3"));
  ASSERT_EQ(r.exit_code, 0) << r.output;
  const std::string metrics = read(dir / "run/eval/test_seam/metrics.json");
  EXPECT_NE(metrics.find("\"samples\": 3"), std::string::npos) << metrics;
  EXPECT_NE(read(dir / "run/report.json").find("\"test_seam\""), std::string::npos);
  const std::string report = read(dir / "run/report.html");
  EXPECT_NE(report.find("Windows of the SEAM salt section"), std::string::npos);
  EXPECT_NE(report.find("deeplogs_seam_i_salt"), std::string::npos);  // where the set came from
  r = vmb::test::run(pipeline(dir / "none", " --quiet --test.release_seg none --test.seam none"));
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_FALSE(fs::exists(dir / "none/eval/test_seam/metrics.json"));
  r = vmb::test::run(pipeline(dir / "bad", " --test.seam " + std::string(dir / "nowhere.bin")));
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.output.find("test.seam: "), std::string::npos) << r.output;
  EXPECT_FALSE(fs::exists(dir / "bad/manifest.tsv"));
}

TEST(Pipeline, KilledRunResumesToTheSameResults) {
  vmb::test::TempDir dir;
  ASSERT_EQ(vmb::test::run(pipeline(dir / "whole", " --quiet")).exit_code, 0);
  const auto started =
      vmb::test::run(pipeline(dir / "killed", " --quiet") + " > /dev/null 2>&1 & echo $!");
  const int pid = std::stoi(started.output);
  // Kill it once the datasets exist, in the middle of training.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (read(dir / "killed/manifest.tsv").find("data.test_seg") == std::string::npos &&
         std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  vmb::test::run("kill -9 " + std::to_string(pid));
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  ASSERT_FALSE(fs::exists(dir / "killed/report.json")) << "the killed run had finished";
  ASSERT_NE(read(dir / "killed/manifest.tsv").find("started"), std::string::npos)
      << "no stage was interrupted";
  const auto r = vmb::test::run(pipeline(dir / "killed", " --quiet"));
  ASSERT_EQ(r.exit_code, 0) << r.output;
  for (const char* set : {"test_simulated", "test_seg"}) {
    const std::string f = std::string("eval/") + set + "/predictions.h5";
    EXPECT_TRUE(read(dir / ("whole/" + f)) == read(dir / ("killed/" + f))) << f;
    const std::string s = std::string("eval/") + set + "/summary.json";
    ASSERT_TRUE(fs::exists(dir / ("whole/" + s))) << s;
    EXPECT_EQ(read(dir / ("whole/" + s)), read(dir / ("killed/" + s))) << s;
  }
}

TEST(Pipeline, BadConfigurationGetsOneLine) {
  vmb::test::TempDir dir;
  auto expect_error = [](const std::string& command, const std::string& what) {
    const auto r = vmb::test::run(command);
    EXPECT_EQ(r.exit_code, 2) << command;
    EXPECT_NE(r.output.find(what), std::string::npos) << command << "\n" << r.output;
    EXPECT_EQ(std::count(r.output.begin(), r.output.end(), '\n'), 1) << r.output;
  };
  expect_error(pipeline(dir / "run", " --grid.nzz 3"), "valid keys: compare.networks, data.fcnvmb");
  std::ofstream(dir / "bad.ini") << "[grid]\nnz = 24\nspacing = 3\n";
  expect_error(pipeline(dir / "run", " --config " + (dir / "bad.ini")), "grid.spacing");
  expect_error(pipeline(dir / "run", " --grid.nz many"), "grid.nz must be a whole number");
  expect_error(kPipeline + " --preset huge", "unknown preset 'huge'");
  const auto r = vmb::test::run(pipeline(dir / "run", " --dry-run"));
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_NE(r.output.find("grid.nz = 24"), std::string::npos);
  EXPECT_NE(r.output.find("train.pretrain"), std::string::npos);
  EXPECT_NE(r.output.find("to run: about"), std::string::npos);
  EXPECT_FALSE(fs::exists(dir / "run"));
  expect_error(pipeline(dir / "run", " --fcnvmb-data " + (dir / "missing")), "does not exist");
  expect_error(pipeline(dir / "run", " --network.arch lenet"), "unknown network 'lenet'");
  expect_error(pipeline(dir / "run", " --data.fcnvmb_seismic true"),
               "data.fcnvmb_seismic needs data.fcnvmb");
  expect_error(pipeline(dir / "run", " --finetune.generators salt-basin:2,granite:1"),
               "finetune.generators: unknown generator 'granite'");
  expect_error(pipeline(dir / "run", " --test.seam " + (dir / "nowhere.bin")), "test.seam: ");
  expect_error(pipeline(dir / "run", " --compare.networks unetpp,fcnvmb,unetpp"),
               "compare.networks names unetpp twice");
  expect_error(
      pipeline(dir / "run", " --compare.networks inversionnet --network.scale_labels false"),
      "it needs network.scale_labels true");
  // InversionNet's 1 x 1 bottleneck cannot train on the one model that batches of 11 leave over
  // from the tiny preset's 12: refused before the simulation, not after it.
  expect_error(pipeline(dir / "run", " --compare.networks inversionnet --pretrain.batch_size 11"),
               "pretrain.models 12 in batches of 11: inversionnet cannot train on a batch of 1");
  EXPECT_FALSE(fs::exists(dir / "run"));
}

TEST(Pipeline, PaperPresetWithTheReleasePlans) {
  const std::string release = std::string(VMB_SHARED_DATA) + "/fcnvmb-release";
  if (!fs::exists(release)) GTEST_SKIP() << "no FCNVMB release at " << release;
  vmb::test::TempDir dir;
  const auto r = vmb::test::run(kPipeline + " --preset paper --fcnvmb-data " + release +
                                " --run.folder " + (dir / "run") + " --dry-run");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  for (const char* text :
       {"pretrain.models = 1600", "pretrain.epochs = 100", "pretrain.batch_size = 10",
        "finetune.models = 130", "finetune.epochs = 50", "survey.nshots = 29", "survey.nt = 2000",
        "grid.nx = 301", "network.width = 64", "data.pretrain", "to run: about"})
    EXPECT_NE(r.output.find(text), std::string::npos) << text << "\n" << r.output;
  EXPECT_FALSE(fs::exists(dir / "run"));
}

// The medium preset on the release: its pretraining set is pretrain.models of the release's
// training models taken evenly through it (the release lists its diapirs first, its sills second:
// its first 400 would be diapirs only), its SEG-style test set the release's slices (so no third
// set); a count beyond the release is refused before any stage. With data.fcnvmb_use test on a
// coarser grid the training sets are generated and the test sets are the release's, resampled (the
// transfer check), here its first ones (data.fcnvmb_pick first). Run here with the survey, the
// counts and the network shrunk to seconds.
TEST(Pipeline, MediumPresetTakesTheReleasesModelsEvenly) {
  const std::string release = std::string(VMB_SHARED_DATA) + "/fcnvmb-release";
  if (!fs::exists(release)) GTEST_SKIP() << "no FCNVMB release at " << release;
  vmb::test::TempDir dir;
  const std::string medium =
      kPipeline + " --preset medium --fcnvmb-data " + release + " --run.threads 1 --quiet";
  auto r = vmb::test::run(medium + " --run.folder " + (dir / "run") + " --dry-run");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  for (const char* text : {"pretrain.models = 400", "grid.nz = 201", "survey.nshots = 29",
                           "survey.nt = 2000", "test.simulated = 100", "test.seg = 10"})
    EXPECT_NE(r.output.find(text), std::string::npos) << text << "\n" << r.output;
  r = vmb::test::run(
      medium + " --run.folder " + (dir / "run") +
      " --pretrain.models 3 --finetune.models 2 --test.simulated 2 --test.seg 2"
      " --survey.nshots 2 --survey.nt 1100 --network.width 2 --pretrain.epochs 1"
      " --finetune.epochs 1 --pretrain.batch_size 2 --finetune.batch_size 2 --fwi.models 0"
      // fp32: bf16 training of this width-2 network on batches of one sample (3 models in
      // batches of 2) turns NaN, an open bug this test is not about.
      " --network.precision fp32");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  vmb::io::ModelFileOptions options;
  options.dx = 10.0;
  // Model i of a set of `count` drawn from a release subset of `size` is its (i * size / count)-th.
  const auto check = [&](const char* set, int count, const std::string& folder, const char* stem,
                         int first, int size) {
    vmb::datagen::ModelSetReader models(dir / ("run/models/" + std::string(set) + ".h5"));
    ASSERT_EQ(models.info().count, count) << set;
    for (int i = 0; i < count; ++i) {
      const auto file = release + folder + stem + std::to_string(first + i * size / count) + ".mat";
      EXPECT_EQ(models.model(i).velocity, vmb::io::read_model(file, options).velocity) << file;
    }
  };
  check("pretrain", 3, "/train_data/SimulateData/vmodel_train/", "vmodel", 1, 1600);
  check("test_simulated", 2, "/test_data/SimulateData/vmodel_test/", "vmodel", 1601, 100);
  check("test_seg", 2, "/test_data/SEGSaltData/vmodel_test/", "saltv", 1, 10);
  EXPECT_TRUE(fs::exists(dir / "run/eval/test_seg/metrics.json"));
  EXPECT_FALSE(fs::exists(dir / "run/eval/release_seg/metrics.json"));
  auto refused = [&](const std::string& extra, const std::string& what) {
    const auto bad = vmb::test::run(medium + " --run.folder " + (dir / "bad") + extra);
    EXPECT_EQ(bad.exit_code, 2) << extra;
    EXPECT_NE(bad.output.find(what), std::string::npos) << bad.output;
    EXPECT_FALSE(fs::exists(dir / "bad")) << extra;
  };
  refused(" --pretrain.models 1601", "pretrain.models is 1601 but the FCNVMB release's train set");
  refused(" --test.seg 11", "test.seg is 11 but the FCNVMB release's seg set has 10 models");
  refused(" --data.fcnvmb_use train", "data.fcnvmb_use is 'train': all or test");
  refused(" --data.fcnvmb_pick last", "data.fcnvmb_pick is 'last': first or spread");

  r = vmb::test::run(medium + " --run.folder " + (dir / "transfer") +
                     " --data.fcnvmb_use test --data.fcnvmb_pick first"
                     " --grid.nz 51 --grid.nx 77 --grid.dx 40"
                     " --pretrain.models 3 --finetune.models 2 --test.simulated 2 --test.seg 2"
                     " --survey.nshots 2 --survey.nt 1100 --survey.dt 0.004 --survey.f0 4"
                     " --network.width 2 --pretrain.epochs 1 --finetune.epochs 1"
                     " --pretrain.batch_size 2 --finetune.batch_size 2 --fwi.models 0");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_EQ(vmb::datagen::ModelSetReader(dir / "transfer/models/pretrain.h5").info().generator,
            "fcnvmb-salt");
  vmb::datagen::ModelSetReader test(dir / "transfer/models/test_simulated.h5");
  ASSERT_EQ(test.info().count, 2);
  for (int i = 0; i < 2; ++i) {  // first: models 1601 and 1602 of 1601..1700
    const auto file =
        release + "/test_data/SimulateData/vmodel_test/vmodel" + std::to_string(1601 + i) + ".mat";
    EXPECT_EQ(test.model(i).velocity,
              vmb::resample(vmb::io::read_model(file, options), 51, 77, 40.0, 40.0).velocity);
  }
  EXPECT_TRUE(fs::exists(dir / "transfer/eval/test_simulated/metrics.json"));
}

TEST(Pipeline, PresetInTheIniFileIsUsed) {
  vmb::test::TempDir dir;
  std::ofstream(dir / "paper.ini") << "preset = paper\n[pretrain]\nepochs = 7\n";
  auto r = vmb::test::run(kPipeline + " --config " + (dir / "paper.ini") + " --run.folder " +
                          (dir / "run") + " --dry-run");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("preset paper"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("pretrain.models = 1600"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("pretrain.epochs = 7"), std::string::npos) << r.output;
  // The command line's preset wins over the file's.
  r = vmb::test::run(kPipeline + " --config " + (dir / "paper.ini") +
                     " --preset tiny --run.folder " + (dir / "run") + " --dry-run");
  EXPECT_NE(r.output.find("pretrain.models = 12"), std::string::npos) << r.output;
  r = vmb::test::run(kPipeline + " --config " + dir.path());
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.output.find("is not a file"), std::string::npos) << r.output;
}

// A grid spacing 1e5 times smaller needs 1e5 times more internal steps: the estimate says so.
TEST(Pipeline, EstimatesCountTheSolversSubSteps) {
  vmb::test::TempDir dir;
  auto estimate = [&](const std::string& extra) {
    const auto r = vmb::test::run(pipeline(dir / "run", " --dry-run" + extra));
    EXPECT_EQ(r.exit_code, 0) << r.output;
    const auto steps = r.output.find("solver: "), total = r.output.find("to run: about ");
    EXPECT_NE(steps, std::string::npos) << r.output;
    EXPECT_NE(total, std::string::npos) << r.output;
    return std::pair{std::stod(r.output.substr(steps + 8)), std::stod(r.output.substr(total + 14))};
  };
  const auto [steps, seconds] = estimate("");
  const auto [fine_steps, fine_seconds] = estimate(" --grid.dx 0.0001");
  EXPECT_GE(fine_steps, 1e4 * steps);
  // The data stages alone (25 samples) now take over half an hour; before, a few seconds all in.
  EXPECT_GT(fine_seconds, 1000.0) << seconds;
  const auto r = vmb::test::run(pipeline(dir / "run", " --dry-run --survey.f0 600"));
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.output.find("above the Nyquist frequency"), std::string::npos) << r.output;
}

// A run killed during pretraining and started again with another learning rate or width must
// not resume the old checkpoint: the stage runs afresh under the new settings.
TEST(Pipeline, InterruptedStageWithChangedSettingsRunsAfresh) {
  vmb::test::TempDir dir;
  const std::string run = dir / "run \"quoted\" \\ folder";
  const std::string quoted = "'" + run + "'";
  const auto started =
      vmb::test::run(kPipeline + " --preset tiny --run.threads 1 --quiet --run.folder " + quoted +
                     " --pretrain.epochs 500 > /dev/null 2>&1 & echo $!");
  const int pid = std::stoi(started.output);
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(120);
  while (!fs::exists(run + "/train/pretrain/checkpoint.pt") &&
         std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  vmb::test::run("kill -9 " + std::to_string(pid));
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  ASSERT_TRUE(fs::exists(run + "/train/pretrain/checkpoint.pt"));
  ASSERT_FALSE(fs::exists(run + "/report.json")) << "the killed run had finished";
  EXPECT_NE(read(run + "/manifest.tsv").find("train.pretrain"), std::string::npos);
  EXPECT_NE(read(run + "/manifest.tsv").find("started"), std::string::npos);
  // A temporary file a killed process left behind (PID 2^30 - 1 is never alive here).
  std::ofstream(run + "/train/pretrain/.checkpoint.pt.tmp-1073741823") << "partial";

  const auto r =
      vmb::test::run(kPipeline + " --preset tiny --run.threads 1 --run.folder " + quoted +
                     " --pretrain.epochs 2 --pretrain.lr 0.002 --network.width 5");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("train.pretrain: settings changed since it started, running it afresh"),
            std::string::npos)
      << r.output;
  EXPECT_NE(r.output.find(".checkpoint.pt.tmp-1073741823, left by an interrupted run"),
            std::string::npos)
      << r.output;
  EXPECT_FALSE(fs::exists(run + "/train/pretrain/.checkpoint.pt.tmp-1073741823"));
  // The loss history holds exactly the new run's two epochs, and every JSON file is strict.
  const auto report = nlohmann::json::parse(read(run + "/report.json"));
  EXPECT_EQ(report.at("loss").at("pretrain").size(), 2u);
  EXPECT_EQ(report.at("config").at("pretrain.lr"), "0.002");
  EXPECT_EQ(report.at("config").at("run.folder"), run);
  for (const char* set : {"test_simulated", "test_seg"}) {
    EXPECT_GT(nlohmann::json::parse(read(run + "/eval/" + set + "/metrics.json")).at("samples"), 0);
    EXPECT_EQ(nlohmann::json::parse(read(run + "/data/" + set + "/index.json")).at("format"),
              "vmbkit-dataset");
    EXPECT_TRUE(report.at("metrics").at(set).at("network").at("ssim").is_number());
  }
  const auto checkpoint = vmb::network::load_checkpoint(run + "/train/pretrain/checkpoint.pt");
  EXPECT_EQ(checkpoint.net->config().width, 5);
  EXPECT_EQ(checkpoint.epoch, 2);
}

// docs/pipeline.md's key table is the settings table itself, and every stage a key names exists
// (the pipeline refuses to start otherwise, which the dry runs of every preset show).
// compare.networks trains each network as the main one is and sets them side by side: the main
// network's results are reused, the others trained into compare/NAME; summary.json holds each
// one's parameters, seconds per epoch, peak memory and every test set's metrics; the report shows
// the table and the panels. A network added to the list is the only one trained; other training
// settings make every compared network afresh; an empty list leaves no comparison behind.
TEST(Pipeline, NetworksSideBySide) {
  vmb::test::TempDir dir;
  const std::string settings = " --test.release_seg none --network.arch unetpp";
  auto r = vmb::test::run(
      pipeline(dir / "run", settings + " --compare.networks fcnvmb,unetpp,inversionnet"));
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_TRUE(fs::exists(dir / "run/compare/fcnvmb/train/finetune/checkpoint.pt"));
  EXPECT_TRUE(fs::exists(dir / "run/compare/inversionnet/eval/test_seg/predictions.h5"));
  EXPECT_FALSE(fs::exists(dir / "run/compare/unetpp"));  // the main network's stages made it
  std::ifstream in(dir / "run/compare/summary.json");
  const auto summary = nlohmann::json::parse(in);
  ASSERT_EQ(summary.size(), 3u);
  std::set<std::int64_t> parameters;
  for (const char* arch : {"fcnvmb", "unetpp", "inversionnet"}) {
    SCOPED_TRACE(arch);
    const auto& n = summary.at(arch);
    parameters.insert(n.at("parameters").get<std::int64_t>());
    EXPECT_GT(n.at("pretrain_seconds_per_epoch").get<double>(), 0.0);
    EXPECT_GT(n.at("pretrain_peak_memory_mb").get<double>(), 1.0);
    for (const char* set : {"test_simulated", "test_seg"}) {
      EXPECT_GT(n["sets"][set]["network"]["mae"].get<double>(), 0.0);
      EXPECT_LE(std::abs(n["sets"][set]["network"]["ssim"].get<double>()), 1.0);
      EXPECT_GT(n["sets"][set]["network"]["data_misfit"].get<double>(), 0.0);
    }
  }
  EXPECT_EQ(parameters.size(), 3u);
  const auto report = nlohmann::json::parse(read(dir / "run/report.json"));
  EXPECT_EQ(summary["unetpp"]["sets"]["test_seg"]["network"]["mae"].get<double>(),
            report["metrics"]["test_seg"]["network"]["mae"].get<double>());
  const std::string html = read(dir / "run/report.html");
  EXPECT_NE(html.find("Networks side by side"), std::string::npos);
  EXPECT_NE(html.find("Network: unetpp, width 4."), std::string::npos);
  EXPECT_NE(html.find("compare/test_seg_0.png"), std::string::npos);
  EXPECT_TRUE(fs::exists(dir / "run/compare/test_simulated_2.png"));

  const fs::path checkpoint = dir / "run/compare/fcnvmb/train/finetune/checkpoint.pt";
  const auto written = fs::last_write_time(checkpoint);
  const std::string weights = read(checkpoint);
  r = vmb::test::run(
      pipeline(dir / "run", settings + " --compare.networks fcnvmb,unetpp,inversionnet,unet"));
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("unet: pretrain"), std::string::npos) << r.output;
  EXPECT_EQ(r.output.find("fcnvmb: pretrain"), std::string::npos) << r.output;
  EXPECT_EQ(r.output.find("inversionnet: pretrain"), std::string::npos) << r.output;
  EXPECT_EQ(fs::last_write_time(checkpoint), written);
  EXPECT_EQ(nlohmann::json::parse(read(dir / "run/compare/summary.json")).size(), 4u);

  r = vmb::test::run(pipeline(dir / "run", settings + " --finetune.lr 0.002" +
                                               " --compare.networks fcnvmb,unetpp,inversionnet"));
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("fcnvmb: made under other settings, made afresh"), std::string::npos)
      << r.output;
  EXPECT_NE(r.output.find("inversionnet: pretrain"), std::string::npos) << r.output;
  EXPECT_NE(read(checkpoint), weights);
  EXPECT_EQ(nlohmann::json::parse(read(dir / "run/compare/summary.json")).size(), 3u);

  r = vmb::test::run(
      pipeline(dir / "run", settings + " --finetune.lr 0.002 --compare.networks ''"));
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_FALSE(fs::exists(dir / "run/compare/summary.json"));
  EXPECT_FALSE(fs::exists(dir / "run/compare/test_seg_0.png"));
  EXPECT_EQ(read(dir / "run/report.html").find("Networks side by side"), std::string::npos);
  EXPECT_TRUE(fs::exists(checkpoint));  // kept for a later list that names it again
}

TEST(Pipeline, SettingsTableIsTheReadmesAndNamesRealStages) {
  const auto table = vmb::test::run(kPipeline + " --settings-table");
  ASSERT_EQ(table.exit_code, 0) << table.output;
  EXPECT_EQ(std::count(table.output.begin(), table.output.end(), '\n'), 2 + 58) << table.output;
  const std::string readme =
      vmb::test::file_bytes(std::string(VMB_SOURCE_DIR) + "/docs/pipeline.md");
  EXPECT_NE(readme.find(table.output), std::string::npos)
      << "docs/pipeline.md's key table differs from vmb-pipeline --settings-table";
  vmb::test::TempDir dir;
  for (const char* preset : {"tiny", "quick", "medium", "paper"}) {
    const auto r = vmb::test::run(kPipeline + " --preset " + preset + " --run.folder " +
                                  (dir / "run") + " --dry-run");
    EXPECT_EQ(r.exit_code, 0) << preset << "\n" << r.output;
  }
}
