#pragma once
// segyio (Debian's 1.x C API) behind two small RAII classes. Files are SEG-Y rev 1, big-endian,
// 4-byte IEEE float samples on writing; IEEE or IBM floats on reading.

#include <segyio/segy.h>

#include <cmath>
#include <memory>
#include <string>
#include <vector>

#include "vmb/io/error.hpp"

namespace vmb::io {

class SegyTraceHeader {
 public:
  SegyTraceHeader() : buf_(SEGY_TRACE_HEADER_SIZE, 0) {}
  void set(int field, int value) { segy_set_field(buf_.data(), field, value); }
  // A coordinate in metres, stored in cm with the coordinate scalar -100.
  void set_coordinate(int field, double metres) {
    set(SEGY_TR_SOURCE_GROUP_SCALAR, -100);
    set(field, static_cast<int>(std::lround(metres * 100.0)));
  }
  // A depth or elevation in metres, stored in cm with the elevation scalar -100.
  void set_elevation(int field, double metres) {
    set(SEGY_TR_ELEV_SCALAR, -100);
    set(field, static_cast<int>(std::lround(metres * 100.0)));
  }
  const char* data() const { return buf_.data(); }

 private:
  std::vector<char> buf_;
};

struct SegyCloser {
  void operator()(segy_file* f) const { segy_close(f); }
};

class SegyWriter {
 public:
  // interval: the binary header's sample interval (us for time, or the caller's convention).
  SegyWriter(const std::string& path, int samples, double interval, const std::string& text)
      : path_(path), samples_(samples), interval_(static_cast<int>(std::lround(interval))) {
    file_.reset(segy_open(path.c_str(), "w+b"));
    fp_ = file_.get();
    if (!fp_) throw IoError("cannot create SEG-Y file '" + path + "'");
    segy_set_format(fp_, SEGY_IEEE_FLOAT_4_BYTE);
    std::string header(SEGY_TEXT_HEADER_SIZE, ' ');
    const std::string lines[] = {"C 1 " + text.substr(0, 76),
                                 "C 2 " + (text.size() > 76 ? text.substr(76, 76) : std::string()),
                                 "C 3 written by vmbkit through segyio; IEEE float samples",
                                 "C40 END TEXTUAL HEADER"};
    for (int i = 0; i < 3; ++i) header.replace(80 * i, lines[i].size(), lines[i]);
    header.replace(80 * 39, lines[3].size(), lines[3]);
    check(segy_write_textheader(fp_, 0, header.c_str()), "text header");
  }
  SegyWriter(const SegyWriter&) = delete;
  SegyWriter& operator=(const SegyWriter&) = delete;

  void write(int traceno, SegyTraceHeader header, const std::vector<float>& samples) {
    header.set(SEGY_TR_SAMPLE_COUNT, samples_);
    header.set(SEGY_TR_SAMPLE_INTER, interval_);
    header.set(SEGY_TR_TRACE_ID, 1);
    check(segy_write_traceheader(fp_, traceno, header.data(), trace0(), bsize()), "trace header");
    std::vector<float> buf(samples);
    segy_from_native(SEGY_IEEE_FLOAT_4_BYTE, samples_, buf.data());
    check(segy_writetrace(fp_, traceno, buf.data(), trace0(), bsize()), "trace");
  }

  // Writes the binary header, with traces the number of traces per ensemble, and closes.
  void finish(int traces) {
    std::vector<char> bin(segy_binheader_size(), 0);
    segy_set_bfield(bin.data(), SEGY_BIN_TRACES, traces);
    segy_set_bfield(bin.data(), SEGY_BIN_INTERVAL, interval_);
    segy_set_bfield(bin.data(), SEGY_BIN_SAMPLES, samples_);
    segy_set_bfield(bin.data(), SEGY_BIN_FORMAT, SEGY_IEEE_FLOAT_4_BYTE);
    segy_set_bfield(bin.data(), SEGY_BIN_MEASUREMENT_SYSTEM, 1);  // metres
    segy_set_bfield(bin.data(), SEGY_BIN_SEGY_REVISION, 0x0100);
    segy_set_bfield(bin.data(), SEGY_BIN_TRACE_FLAG, 1);  // fixed-length traces
    check(segy_write_binheader(fp_, bin.data()), "binary header");
    check(segy_flush(fp_, false), "flush");
    const int rc = segy_close(file_.release());
    fp_ = nullptr;
    check(rc, "close");
  }

 private:
  long trace0() const { return SEGY_TEXT_HEADER_SIZE + SEGY_BINARY_HEADER_SIZE; }
  int bsize() const { return segy_trsize(SEGY_IEEE_FLOAT_4_BYTE, samples_); }
  void check(int rc, const char* what) const {
    if (rc != SEGY_OK) throw IoError("'" + path_ + "': cannot write SEG-Y " + what);
  }

  std::string path_;
  int samples_;
  int interval_;
  // Owned by file_, so that a constructor that throws after opening still closes it.
  std::unique_ptr<segy_file, SegyCloser> file_;
  segy_file* fp_ = nullptr;
};

class SegyReader {
 public:
  explicit SegyReader(const std::string& path) : path_(path) {
    file_.reset(segy_open(path.c_str(), "rb"));
    fp_ = file_.get();
    if (!fp_) throw IoError("'" + path + "': cannot open");
    std::vector<char> bin(segy_binheader_size());
    if (segy_binheader(fp_, bin.data()) != SEGY_OK) fail("too short for a SEG-Y file");
    format_ = segy_format(bin.data());
    if (format_ != SEGY_IEEE_FLOAT_4_BYTE && format_ != SEGY_IBM_FLOAT_4_BYTE)
      fail("not a SEG-Y file with 4-byte IEEE or IBM float samples (format code " +
           std::to_string(format_) + ")");
    samples_ = segy_samples(bin.data());
    trace0_ = segy_trace0(bin.data());
    if (samples_ <= 0 || trace0_ < SEGY_TEXT_HEADER_SIZE + SEGY_BINARY_HEADER_SIZE)
      fail("SEG-Y binary header holds no valid sample count");
    bsize_ = segy_trsize(format_, samples_);
    segy_set_format(fp_, format_);
    if (segy_traces(fp_, &traces_, trace0_, bsize_) != SEGY_OK || traces_ <= 0)
      fail("size does not fit whole SEG-Y traces of " + std::to_string(samples_) + " samples");
    int32_t interval = 0;
    segy_get_bfield(bin.data(), SEGY_BIN_INTERVAL, &interval);
    interval_ = interval;
  }
  SegyReader(const SegyReader&) = delete;
  SegyReader& operator=(const SegyReader&) = delete;

  int traces() const { return traces_; }
  int samples() const { return samples_; }
  int sample_interval() const { return interval_; }

  std::vector<float> trace(int i) const {
    std::vector<float> buf(samples_);
    if (segy_readtrace(fp_, i, buf.data(), trace0_, bsize_) != SEGY_OK) fail("cannot read trace");
    segy_to_native(format_, samples_, buf.data());
    return buf;
  }
  int field(int i, int field) const {
    std::vector<char> h(SEGY_TRACE_HEADER_SIZE);
    if (segy_traceheader(fp_, i, h.data(), trace0_, bsize_) != SEGY_OK)
      fail("cannot read trace header");
    int32_t v = 0;
    segy_get_field(h.data(), field, &v);
    return v;
  }
  // A coordinate field in metres, with the trace's coordinate scalar applied.
  double coordinate(int i, int f) const {
    const int scalar = field(i, SEGY_TR_SOURCE_GROUP_SCALAR);
    const double v = field(i, f);
    return scalar < 0 ? v / -scalar : scalar > 0 ? v * scalar : v;
  }

 private:
  [[noreturn]] void fail(const std::string& what) const {
    throw IoError("'" + path_ + "': " + what);
  }

  std::string path_;
  // Owned by file_, so that a constructor that throws after opening still closes it.
  std::unique_ptr<segy_file, SegyCloser> file_;
  segy_file* fp_ = nullptr;
  int format_ = 0, samples_ = 0, traces_ = 0, bsize_ = 0, interval_ = 0;
  long trace0_ = 0;
};

}  // namespace vmb::io
