#include "mail_sender.h"

#include <sys/resource.h>
#include <unistd.h>

#include <Poco/Net/MailMessage.h>
#include <Poco/Net/MailRecipient.h>
#include <Poco/Net/SMTPClientSession.h>
#include <Poco/Timestamp.h>

#include <algorithm>
#include <fstream>
#include <iostream>

#include "worktable/tables/error.h"

namespace worktable::server {
namespace {

constexpr auto kPollInterval = std::chrono::milliseconds(200);
constexpr int kBatch = 50;
// Longer than an SMTP exchange with its timeouts: a claimed mail is due again only after this.
constexpr auto kClaimLease = std::chrono::seconds(120);
constexpr const char* kSender = "Worktable <no-reply@worktable.invalid>";

void compose(const accounts::Mail& mail, Poco::Net::MailMessage& message) {
  message.setSender(kSender);
  message.addRecipient(Poco::Net::MailRecipient(Poco::Net::MailRecipient::PRIMARY_RECIPIENT, mail.to));
  message.setSubject(Poco::Net::MailMessage::encodeWord(mail.subject, "UTF-8"));
  message.setDate(Poco::Timestamp());
  message.setContentType("text/plain; charset=UTF-8");
  message.setContent(mail.body, Poco::Net::MailMessage::ENCODING_8BIT);
}

}  // namespace

MailSender::MailSender(sql::Database& db, accounts::Outbox& outbox, std::filesystem::path outbox_dir, std::string smtp)
    : db_(db), outbox_(outbox), outbox_dir_(std::move(outbox_dir)) {
  if (!smtp.empty()) {
    auto colon = smtp.rfind(':');
    smtp_host_ = smtp.substr(0, colon);
    if (colon != std::string::npos) smtp_port_ = static_cast<uint16_t>(std::stoi(smtp.substr(colon + 1)));
  }
  std::filesystem::create_directories(outbox_dir_);
}

MailSender::~MailSender() { stop(); }

void MailSender::start() {
  running_ = true;
  thread_ = std::thread([this] {
    // Mail can wait a moment; a person at the grid cannot: under load the requests go first.
    setpriority(PRIO_PROCESS, static_cast<id_t>(gettid()), 10);
    while (running_) {
      try {
        // A full batch means more are waiting: go on without the pause.
        if (deliverDue() == kBatch) continue;
      } catch (const std::exception& e) {
        std::cerr << "mail: " << e.what() << std::endl;
      }
      std::unique_lock lock(mutex_);
      wake_.wait_for(lock, kPollInterval, [this] { return !running_; });
    }
  });
}

void MailSender::stop() {
  if (!running_.exchange(false)) return;
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

int MailSender::deliverDue() {
  // A read first, so that idle polls take no write transaction.
  if (db_.read([&](sql::Tx& tx) { return outbox_.due(tx, 1).empty(); })) return 0;
  std::vector<accounts::QueuedMail> due =
      db_.write([&](sql::Tx& tx) { return outbox_.claim(tx, kBatch, kClaimLease); });
  // Sent marks are written together: one commit a batch, not one a mail (an import queues
  // thousands at once). A crash in between sends those mails again, as it would anyway
  // between a delivery and its mark.
  std::vector<tables::Id> sent;
  auto markSent = [&] {
    if (sent.empty()) return;
    db_.write([&](sql::Tx& tx) {
      for (tables::Id id : sent) outbox_.markSent(tx, id);
    });
    sent.clear();
  };
  int delivered = 0;
  try {
    for (const accounts::QueuedMail& mail : due) {
      try {
        deliver(mail);
        sent.push_back(mail.id);
        ++delivered;
      } catch (const Poco::Exception& e) {
        auto retry = std::chrono::seconds(std::min(300, 1 << std::min(mail.attempts, 9)));
        db_.write([&](sql::Tx& tx) { outbox_.markFailed(tx, mail.id, e.displayText(), retry); });
        std::cerr << "mail " << mail.id << " to " << mail.mail.to << " not accepted (" << e.displayText()
                  << "); retrying in " << retry.count() << " s" << std::endl;
      }
    }
  } catch (...) {
    markSent();
    throw;
  }
  markSent();
  return delivered;
}

void MailSender::deliver(const accounts::QueuedMail& mail) {
  Poco::Net::MailMessage message;
  compose(mail.mail, message);
  if (smtp_host_.empty()) {
    char name[32];
    std::snprintf(name, sizeof name, "%08lld.eml", static_cast<long long>(mail.id));
    std::filesystem::path file = outbox_dir_ / name;
    std::filesystem::path partial = file;
    partial += ".part";
    {
      std::ofstream out(partial, std::ios::binary);
      message.write(out);
    }
    std::filesystem::rename(partial, file);
    return;
  }
  Poco::Net::SMTPClientSession session(smtp_host_, smtp_port_);
  session.login();
  session.sendMessage(message);
  session.close();
}

}  // namespace worktable::server
