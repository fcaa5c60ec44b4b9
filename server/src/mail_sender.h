// Delivers the outbox: a background thread takes due mails and either writes each as an
// RFC 5322 file under <data>/outbox/ (no SMTP configured) or sends it through an SMTP
// server, retrying with back-off (1 s, 2 s, 4 s ... at most 5 min) until it is accepted.
// State lives in the outbox table, so a restart resumes where the last run stopped.
#pragma once

#include <atomic>
#include <condition_variable>
#include <filesystem>
#include <mutex>
#include <string>
#include <thread>

#include "worktable/accounts/outbox.h"

namespace worktable::server {

class MailSender {
 public:
  // `smtp` is "HOST:PORT", or empty to write files under `outbox_dir`.
  MailSender(sql::Database& db, accounts::Outbox& outbox, std::filesystem::path outbox_dir, std::string smtp);
  ~MailSender();

  void start();
  void stop();
  // Delivers what is due now; returns how many mails were delivered (used by start()'s loop).
  int deliverDue();

 private:
  void deliver(const accounts::QueuedMail& mail);

  sql::Database& db_;
  accounts::Outbox& outbox_;
  std::filesystem::path outbox_dir_;
  std::string smtp_host_;
  uint16_t smtp_port_ = 25;
  std::atomic<bool> running_{false};
  std::mutex mutex_;
  std::condition_variable wake_;
  std::thread thread_;
};

}  // namespace worktable::server
