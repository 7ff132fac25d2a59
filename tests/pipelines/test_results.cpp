// The results vmb-pipeline's stages hand on (pipelines/pipeline/results.hpp): written and read as
// JSON by field name, every number back exactly, an infinite PSNR kept, a damaged file refused.

#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <limits>

#include "results.hpp"
#include "run.hpp"
#include "vmb/io/error.hpp"

namespace {

using vmb::pipeline::EvaluationSummary;
using vmb::pipeline::FwiSummary;
using vmb::test::error_of;

EvaluationSummary example() {
  EvaluationSummary s;
  s.network.metrics = {
      std::numeric_limits<double>::infinity(), 0.75, 101.25, 150.5, 1.0 / 3.0, 22.5};
  s.network.data_misfit = 0.1;
  s.baseline.metrics = {15.71, 0.543, 256.0, 300.125, 0.686, -2.0255673181977185};
  s.baseline.data_misfit = 0.2210000000000001;
  return s;
}

void expect_same(const vmb::pipeline::PredictorSummary& a,
                 const vmb::pipeline::PredictorSummary& b) {
  EXPECT_EQ(a.metrics.paper_psnr, b.metrics.paper_psnr);
  EXPECT_EQ(a.metrics.paper_ssim, b.metrics.paper_ssim);
  EXPECT_EQ(a.metrics.mae, b.metrics.mae);
  EXPECT_EQ(a.metrics.rmse, b.metrics.rmse);
  EXPECT_EQ(a.metrics.ssim, b.metrics.ssim);
  EXPECT_EQ(a.metrics.psnr, b.metrics.psnr);
  EXPECT_EQ(a.data_misfit, b.data_misfit);
}

}  // namespace

TEST(Results, EvaluationSummaryRoundTripsExactly) {
  vmb::test::TempDir dir;
  const auto path = dir / "summary.json";
  vmb::pipeline::write_summary(path, example());
  const auto back = vmb::pipeline::read_evaluation_summary(path);
  expect_same(back.network, example().network);
  expect_same(back.baseline, example().baseline);
  EXPECT_TRUE(std::isinf(back.network.metrics.paper_psnr));
  std::ifstream in(path);
  const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  EXPECT_NE(text.find("\"paper_psnr\": \"inf\""), std::string::npos) << text;
}

TEST(Results, FwiSummaryKeepsItsMethodsInOrder) {
  vmb::test::TempDir dir;
  const auto path = dir / "summary.json";
  FwiSummary s;
  s.methods = {{"network", 85.0, 120.0, 0.861, 0.088, 0.0},
               {"fwi_smooth", 61.0, 90.0, 0.891, 0.041, 2.5},
               {"fwi_network", 77.0, 101.0, 0.893, 0.0415, 2.125}};
  vmb::pipeline::write_summary(path, s);
  const auto back = vmb::pipeline::read_fwi_summary(path);
  ASSERT_EQ(back.methods.size(), 3u);
  for (std::size_t i = 0; i < 3; ++i) {
    EXPECT_EQ(back.methods[i].method, s.methods[i].method);
    EXPECT_EQ(back.methods[i].mae, s.methods[i].mae);
    EXPECT_EQ(back.methods[i].rmse, s.methods[i].rmse);
    EXPECT_EQ(back.methods[i].ssim, s.methods[i].ssim);
    EXPECT_EQ(back.methods[i].data_misfit, s.methods[i].data_misfit);
    EXPECT_EQ(back.methods[i].seconds, s.methods[i].seconds);
  }
}

TEST(Results, MissingOrDamagedSummariesAreRefusedByName) {
  vmb::test::TempDir dir;
  const auto path = dir / "summary.json";
  EXPECT_NE(error_of([&] { vmb::pipeline::read_evaluation_summary(path); }).find("is missing"),
            std::string::npos);
  for (const char* damaged :
       {"{\"network\": {\"mae\": 1", "{\"network\": {}, \"baseline\": {}}",
        "{\"network\": {\"paper_psnr\": \"many\", \"paper_ssim\": 0, \"mae\": 0, \"rmse\": 0, "
        "\"ssim\": 0, \"psnr\": 0, \"data_misfit\": 0}, \"baseline\": {}}",
        "[1, 2]"}) {
    SCOPED_TRACE(damaged);
    std::ofstream(path) << damaged;
    const std::string error = error_of([&] { vmb::pipeline::read_evaluation_summary(path); });
    EXPECT_NE(error.find("summary.json' is damaged"), std::string::npos) << error;
    EXPECT_NE(error.find("run the pipeline again"), std::string::npos) << error;
  }
  std::ofstream(path) << "{\"methods\": [{\"method\": \"network\"}]}";
  EXPECT_NE(error_of([&] { vmb::pipeline::read_fwi_summary(path); }).find("is damaged"),
            std::string::npos);
}
