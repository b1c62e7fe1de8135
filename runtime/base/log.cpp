#include "runtime/base/log.hpp"
#include "runtime/base/log_line.hpp"

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <ctime>
#include <mutex>
#include <thread>
#include <vector>

#include <unistd.h>

namespace kyb::base {

struct logger::impl {
  std::atomic<int> level{static_cast<int>(log_level::info)};
  std::mutex mtx;
  std::condition_variable cv;
  std::condition_variable flushed;
  std::vector<std::string> queue;
  uint64_t queued = 0;
  uint64_t written = 0;
  bool stop = false;
  std::thread writer;

  impl() {
    writer = std::thread([this] { run(); });
  }

  void run() {
    std::vector<std::string> batch;
    std::unique_lock<std::mutex> guard(mtx);
    for (;;) {
      cv.wait_for(guard, std::chrono::milliseconds(50),
                  [this] { return stop || !queue.empty(); });
      batch.swap(queue);
      auto upto = queued;
      bool stopping = stop;
      guard.unlock();
      std::string out;
      for (auto& line : batch) {
        out += line;
        out += '\n';
      }
      batch.clear();
      const char* p = out.data();
      size_t left = out.size();
      while (left > 0) {
        auto n = ::write(STDERR_FILENO, p, left);
        if (n <= 0)
          break;
        p += n;
        left -= static_cast<size_t>(n);
      }
      guard.lock();
      written = upto;
      flushed.notify_all();
      if (stopping && queue.empty())
        return;
    }
  }
};

logger::logger() : impl_(new impl) {}

logger::~logger() {
  {
    std::lock_guard<std::mutex> guard(impl_->mtx);
    impl_->stop = true;
  }
  impl_->cv.notify_all();
  impl_->writer.join();
  delete impl_;
}

logger& logger::global() {
  static logger instance;
  return instance;
}

void logger::set_level(log_level level) noexcept {
  impl_->level = static_cast<int>(level);
}

bool logger::enabled(log_level level) const noexcept {
  return static_cast<int>(level) >= impl_->level.load(std::memory_order_relaxed);
}

void logger::write(log_level level, std::string_view event,
                   const nlohmann::json& fields) {
  if (!enabled(level))
    return;
  std::string line;
  append_log_line(line, level, event, fields);
  write_line(std::move(line));
}

void append_log_line_start(std::string& line, log_level level, std::string_view event) {
  static const char* names[] = {"debug", "info", "warn", "error"};
  line += "{\"ts\":\"";
  line += utc_timestamp();
  line += "\",\"level\":\"";
  line += names[static_cast<int>(level)];
  line += "\",\"event\":\"";
  append_json_escaped(line, event);
  line += '"';
}

void append_log_line(std::string& line, log_level level, std::string_view event,
                     const nlohmann::json& fields) {
  append_log_line_start(line, level, event);
  if (fields.is_object()) {
    for (auto it = fields.begin(); it != fields.end(); ++it) {
      line += ",\"";
      append_json_escaped(line, it.key());
      line += "\":";
      line += it.value().dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    }
  }
  line += '}';
}

void logger::write_line(std::string line) {
  {
    std::lock_guard<std::mutex> guard(impl_->mtx);
    impl_->queue.push_back(std::move(line));
    ++impl_->queued;
  }
  impl_->cv.notify_one();
}

void logger::flush() {
  std::unique_lock<std::mutex> guard(impl_->mtx);
  auto target = impl_->queued;
  impl_->cv.notify_one();
  impl_->flushed.wait(guard, [&] { return impl_->written >= target; });
}

log_level parse_log_level(std::string_view name) {
  if (name == "debug")
    return log_level::debug;
  if (name == "warn")
    return log_level::warn;
  if (name == "error")
    return log_level::error;
  return log_level::info;
}

std::string utc_timestamp() {
  auto now = std::chrono::system_clock::now();
  auto us = std::chrono::duration_cast<std::chrono::microseconds>(now.time_since_epoch())
                .count();
  std::time_t secs = static_cast<std::time_t>(us / 1000000);
  // The date and time to the second change once a second: format them once.
  thread_local std::time_t cached_secs = -1;
  thread_local char prefix[64];
  if (secs != cached_secs) {
    std::tm tm{};
    gmtime_r(&secs, &tm);
    std::snprintf(prefix, sizeof prefix, "%04d-%02d-%02dT%02d:%02d:%02d.",
                  tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min,
                  tm.tm_sec);
    cached_secs = secs;
  }
  char buf[96];
  std::snprintf(buf, sizeof buf, "%s%06lldZ", prefix,
                static_cast<long long>(us % 1000000));
  return buf;
}

} // namespace kyb::base
