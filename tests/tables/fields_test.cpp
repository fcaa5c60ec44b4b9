// Field types: what checkValue accepts and refuses, what parseValue reads from CSV text,
// and what formatValue writes.
#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include "test_support.h"

namespace worktable::tables {
namespace {

using test::Expected;
using test::number;
using test::text;
using test::throwsError;

Field makeField(const std::string& name, FieldType type, std::vector<std::string> options = {}) {
  return Field{7, name, type, std::move(options), false};
}

::testing::AssertionResult accepts(const Field& field, const Value& value) {
  try {
    Engine::checkValue(field, value);
    return ::testing::AssertionSuccess();
  } catch (const std::exception& e) {
    return ::testing::AssertionFailure() << "refused " << test::describe(value) << ": " << e.what();
  }
}

::testing::AssertionResult refuses(const Field& field, const Value& value, const std::string& code = {}) {
  return throwsError([&] { Engine::checkValue(field, value); }, Expected{ErrorKind::kInvalidValue, code, field.name})
         << " for value " << test::describe(value);
}

// --- checkValue ---------------------------------------------------------------------

TEST(FieldTypes, EveryTypeAcceptsNull) {
  for (FieldType type : {FieldType::kText, FieldType::kNumber, FieldType::kCheckbox, FieldType::kSelect,
                         FieldType::kEmail, FieldType::kDate}) {
    EXPECT_TRUE(accepts(makeField("F", type, {"A"}), Value())) << typeName(type);
  }
}

TEST(FieldTypes, NumberAcceptsFiniteNumbers) {
  Field age = makeField("Age", FieldType::kNumber);
  for (double value : {0.0, -1.5, 42.0, 1e300, -1e-300, std::numeric_limits<double>::max()}) {
    EXPECT_TRUE(accepts(age, number(value)));
  }
}

TEST(FieldTypes, NumberRefusesNaNInfinityTextAndBooleans) {
  Field age = makeField("Age", FieldType::kNumber);
  EXPECT_TRUE(refuses(age, number(std::nan(""))));
  EXPECT_TRUE(refuses(age, number(std::numeric_limits<double>::infinity())));
  EXPECT_TRUE(refuses(age, number(-std::numeric_limits<double>::infinity())));
  EXPECT_TRUE(refuses(age, text("42")));
  EXPECT_TRUE(refuses(age, text("")));
  EXPECT_TRUE(refuses(age, Value(true)));
}

TEST(FieldTypes, CheckboxAcceptsOnlyBooleans) {
  Field external = makeField("External?", FieldType::kCheckbox);
  EXPECT_TRUE(accepts(external, Value(true)));
  EXPECT_TRUE(accepts(external, Value(false)));
  EXPECT_TRUE(refuses(external, number(1)));
  EXPECT_TRUE(refuses(external, number(0)));
  EXPECT_TRUE(refuses(external, text("true")));
  EXPECT_TRUE(refuses(external, text("")));
}

TEST(FieldTypes, SelectAcceptsExactlyItsOptions) {
  Field status = makeField("Status", FieldType::kSelect, {"Active", "Inactive"});
  EXPECT_TRUE(accepts(status, text("Active")));
  EXPECT_TRUE(accepts(status, text("Inactive")));
  EXPECT_TRUE(refuses(status, text("Deleted"), "invalid_option"));
  EXPECT_TRUE(refuses(status, text("Active "), "invalid_option"));
  EXPECT_TRUE(refuses(status, text(""), "invalid_option"));
  EXPECT_TRUE(refuses(status, Value(true)));
  EXPECT_TRUE(refuses(status, number(1)));
}

TEST(FieldTypes, SelectRefusalListsTheChoices) {
  Field status = makeField("Status", FieldType::kSelect, {"Active", "Inactive"});
  try {
    Engine::checkValue(status, text("Gone"));
    FAIL() << "accepted an unknown option";
  } catch (const Error& error) {
    std::string message = error.what();
    EXPECT_NE(message.find("Active"), std::string::npos) << message;
    EXPECT_NE(message.find("Inactive"), std::string::npos) << message;
  }
}

TEST(FieldTypes, EmailAcceptsTheUsualShapes) {
  Field email = makeField("Email", FieldType::kEmail);
  for (const char* address : {"ada@example.com", "a.b+tag@sub.example.co.uk", "x@y.io", "O'Brien@example.ie"}) {
    EXPECT_TRUE(accepts(email, text(address))) << address;
  }
}

TEST(FieldTypes, EmailRefusesOtherShapes) {
  Field email = makeField("Email", FieldType::kEmail);
  for (const char* address :
       {"ada", "ada@", "@example.com", "ada@example", "ada @example.com", "ada@exa mple.com", "ada@@example.com",
        "ada@example..com", "ada@.example.com", "ada@example.com.", "ada@example.com\n", ""}) {
    EXPECT_TRUE(refuses(email, text(address), "invalid_email")) << "\"" << address << "\"";
  }
  EXPECT_TRUE(refuses(email, Value(false)));
}

TEST(FieldTypes, EmailLongerThan254BytesIsRefused) {
  Field email = makeField("Email", FieldType::kEmail);
  std::string domain = "@example.com";
  EXPECT_TRUE(accepts(email, text(std::string(254 - domain.size(), 'a') + domain)));
  EXPECT_TRUE(refuses(email, text(std::string(255 - domain.size(), 'a') + domain), "invalid_email"));
}

TEST(FieldTypes, DateAcceptsCalendarDaysInIsoForm) {
  Field due = makeField("Due", FieldType::kDate);
  for (const char* date : {"2024-01-01", "2024-12-31", "2024-04-30", "1999-06-15", "0001-01-01", "9999-12-31"}) {
    EXPECT_TRUE(accepts(due, text(date))) << date;
  }
}

TEST(FieldTypes, DateAcceptsFebruary29OnlyInLeapYears) {
  Field due = makeField("Due", FieldType::kDate);
  EXPECT_TRUE(accepts(due, text("2024-02-29")));
  EXPECT_TRUE(accepts(due, text("2000-02-29")));  // divisible by 400
  EXPECT_TRUE(refuses(due, text("2023-02-29"), "invalid_date"));
  EXPECT_TRUE(refuses(due, text("1900-02-29"), "invalid_date"));  // divisible by 100, not 400
  EXPECT_TRUE(refuses(due, text("2100-02-29"), "invalid_date"));
  EXPECT_TRUE(refuses(due, text("2024-02-30"), "invalid_date"));
  EXPECT_TRUE(accepts(due, text("2023-02-28")));
}

TEST(FieldTypes, DateRefusesOtherShapesAndImpossibleDays) {
  Field due = makeField("Due", FieldType::kDate);
  for (const char* date :
       {"2024-04-31", "2024-13-01", "2024-00-10", "2024-01-00", "2024-01-32", "2024-1-01", "24-01-01", "2024/01/01",
        "2024-01-01T00:00", " 2024-01-01", "2024-01-1 ", "2024-0a-01", "01.02.2024", "2024--1-01", ""}) {
    EXPECT_TRUE(refuses(due, text(date), "invalid_date")) << "\"" << date << "\"";
  }
  EXPECT_TRUE(refuses(due, number(20240101)));
}

// ISO YYYY-MM-DD has four digits for the year; std::from_chars also reads a leading '-'.
TEST(FieldTypes, DateRefusesAYearWithASign) {
  Field due = makeField("Due", FieldType::kDate);
  EXPECT_TRUE(refuses(due, text("-001-01-01"), "invalid_date"));
  EXPECT_TRUE(refuses(due, text("-999-12-31"), "invalid_date"));
}

TEST(FieldTypes, TextRefusesNumbersAndBooleans) {
  for (FieldType type : {FieldType::kText, FieldType::kEmail, FieldType::kDate, FieldType::kSelect}) {
    Field field = makeField("Note", type, {"A"});
    EXPECT_TRUE(refuses(field, number(1))) << typeName(type);
    EXPECT_TRUE(refuses(field, Value(true))) << typeName(type);
  }
}

TEST(FieldTypes, TextAcceptsAnythingUpTo100000Bytes) {
  Field note = makeField("Note", FieldType::kText);
  EXPECT_TRUE(accepts(note, text("")));
  EXPECT_TRUE(accepts(note, text("line one\nline two\t\"quoted\" ✓")));
  EXPECT_TRUE(accepts(note, text(std::string(100'000, 'x'))));
}

TEST(FieldTypes, TextOver100000BytesIsTooLarge) {
  Field note = makeField("Note", FieldType::kText);
  EXPECT_TRUE(throwsError([&] { Engine::checkValue(note, text(std::string(100'001, 'x'))); },
                          Expected{ErrorKind::kTooLarge, "value_too_large", "Note"}));
}

TEST(FieldTypes, TextLimitCountsBytesNotCharacters) {
  Field note = makeField("Note", FieldType::kText);
  std::string e_acute = "\xC3\xA9";  // two bytes
  std::string at_limit;
  for (int i = 0; i < 50'000; ++i) at_limit += e_acute;
  EXPECT_TRUE(accepts(note, text(at_limit)));
  EXPECT_TRUE(throwsError([&] { Engine::checkValue(note, text(at_limit + e_acute)); },
                          Expected{ErrorKind::kTooLarge, "value_too_large", "Note"}));
}

TEST(FieldTypes, OversizedValuesOfOtherTextTypesAreTooLarge) {
  for (FieldType type : {FieldType::kEmail, FieldType::kSelect, FieldType::kDate}) {
    Field field = makeField("Big", type, {"A"});
    EXPECT_TRUE(throwsError([&] { Engine::checkValue(field, text(std::string(100'001, 'a'))); },
                            Expected{ErrorKind::kTooLarge, "value_too_large", "Big"}))
        << typeName(type);
  }
}

TEST(FieldTypes, TypeNamesRoundTrip) {
  for (FieldType type : {FieldType::kText, FieldType::kNumber, FieldType::kCheckbox, FieldType::kSelect,
                         FieldType::kEmail, FieldType::kDate}) {
    EXPECT_EQ(typeFromName(typeName(type)), type) << typeName(type);
  }
  EXPECT_STREQ(typeName(FieldType::kCheckbox), "checkbox");
  EXPECT_EQ(typeFromName("Text"), std::nullopt);
  EXPECT_EQ(typeFromName("integer"), std::nullopt);
}

// --- parseValue -----------------------------------------------------------------------

TEST(ParseValue, ReadsNumbersWithPointOrCommaDecimals) {
  Field amount = makeField("Amount", FieldType::kNumber);
  EXPECT_EQ(Engine::parseValue(amount, "3.5"), number(3.5));
  EXPECT_EQ(Engine::parseValue(amount, "3,5"), number(3.5));
  EXPECT_EQ(Engine::parseValue(amount, "-0,25"), number(-0.25));
  EXPECT_EQ(Engine::parseValue(amount, " 42 "), number(42));
  EXPECT_EQ(Engine::parseValue(amount, "1e3"), number(1000));
  EXPECT_EQ(Engine::parseValue(amount, "0"), number(0));
}

TEST(ParseValue, RefusesTextThatIsNotANumber) {
  Field amount = makeField("Amount", FieldType::kNumber);
  for (const char* cell : {"abc", "12abc", "3,5,1", "1.2.3", "nan", "inf", "-infinity", "1e999", "--1", "½"}) {
    EXPECT_TRUE(throwsError([&] { Engine::parseValue(amount, cell); },
                            Expected{ErrorKind::kInvalidValue, "invalid_value", "Amount"}))
        << "\"" << cell << "\"";
  }
}

TEST(ParseValue, ReadsCheckboxWordsIgnoringCase) {
  Field done = makeField("Done", FieldType::kCheckbox);
  for (const char* yes : {"true", "TRUE", "True", "1", "yes", "Yes", "x", "X", "oui", " true "}) {
    EXPECT_EQ(Engine::parseValue(done, yes), Value(true)) << yes;
  }
  for (const char* no : {"false", "FALSE", "0", "no", "No", "non"}) {
    EXPECT_EQ(Engine::parseValue(done, no), Value(false)) << no;
  }
  for (const char* other : {"maybe", "2", "y", "truee"}) {
    EXPECT_TRUE(throwsError([&] { Engine::parseValue(done, other); }, Expected{ErrorKind::kInvalidValue, "", "Done"}))
        << other;
  }
}

TEST(ParseValue, TurnsEmptyCellsIntoNull) {
  for (FieldType type : {FieldType::kText, FieldType::kNumber, FieldType::kCheckbox, FieldType::kSelect,
                         FieldType::kEmail, FieldType::kDate}) {
    Field field = makeField("F", type, {"A"});
    EXPECT_TRUE(isNull(Engine::parseValue(field, ""))) << typeName(type);
    if (type != FieldType::kText) {
      EXPECT_TRUE(isNull(Engine::parseValue(field, "  "))) << typeName(type);
    }
  }
}

TEST(ParseValue, KeepsTextAsWritten) {
  Field note = makeField("Note", FieldType::kText);
  EXPECT_EQ(Engine::parseValue(note, "  padded  "), text("  padded  "));
  EXPECT_EQ(Engine::parseValue(note, "Prénom ✓"), text("Prénom ✓"));
  EXPECT_TRUE(throwsError([&] { Engine::parseValue(note, std::string(100'001, 'x')); },
                          Expected{ErrorKind::kTooLarge, "value_too_large", "Note"}));
}

TEST(ParseValue, TrimsSelectEmailAndDateCells) {
  Field status = makeField("Status", FieldType::kSelect, {"Active", "Inactive"});
  EXPECT_EQ(Engine::parseValue(status, " Active "), text("Active"));
  Field email = makeField("Email", FieldType::kEmail);
  EXPECT_EQ(Engine::parseValue(email, "ada@example.com "), text("ada@example.com"));
  Field due = makeField("Due", FieldType::kDate);
  EXPECT_EQ(Engine::parseValue(due, "\t2024-02-29"), text("2024-02-29"));
}

// --- formatValue ----------------------------------------------------------------------

TEST(FormatValue, WritesEachKindOfValue) {
  EXPECT_EQ(Engine::formatValue(Value()), "");
  EXPECT_EQ(Engine::formatValue(Value(true)), "true");
  EXPECT_EQ(Engine::formatValue(Value(false)), "false");
  EXPECT_EQ(Engine::formatValue(number(3.5)), "3.5");
  EXPECT_EQ(Engine::formatValue(number(2)), "2");
  EXPECT_EQ(Engine::formatValue(number(-0.25)), "-0.25");
  EXPECT_EQ(Engine::formatValue(number(0.1)), "0.1");
  EXPECT_EQ(Engine::formatValue(text("a, \"b\"")), "a, \"b\"");
}

TEST(FormatValue, NumbersReadBackExactly) {
  Field amount = makeField("Amount", FieldType::kNumber);
  for (double value : {1.0 / 3.0, 0.1 + 0.2, 123456789.125, 1e-7, -2.5e20, 9007199254740993.0}) {
    EXPECT_EQ(Engine::parseValue(amount, Engine::formatValue(number(value))), number(value))
        << Engine::formatValue(number(value));
  }
}

TEST(FormatValue, CheckboxesReadBackExactly) {
  Field done = makeField("Done", FieldType::kCheckbox);
  EXPECT_EQ(Engine::parseValue(done, Engine::formatValue(Value(true))), Value(true));
  EXPECT_EQ(Engine::parseValue(done, Engine::formatValue(Value(false))), Value(false));
}

// --- through the engine ---------------------------------------------------------------

class FieldValues : public test::EngineTest {};

TEST_F(FieldValues, InsertRefusesAWrongValueNamingTheFieldAndStoresNothing) {
  Table table = createTable(test::spec("People", {test::field("Name"), test::field("Age", FieldType::kNumber)}));
  EXPECT_TRUE(throwsError(
      [&] {
        insert(table, {{"Name", text("Ada")}, {"Age", text("old")}});
      },
      Expected{ErrorKind::kInvalidValue, "invalid_value", "Age"}));
  EXPECT_EQ(total(table), 0);
}

TEST_F(FieldValues, UpdateRefusesAWrongValueAndKeepsTheStoredOne) {
  Table table = createTable(test::spec("People", {test::field("Due", FieldType::kDate)}));
  Record stored = insert(table, {{"Due", text("2024-02-29")}});
  EXPECT_TRUE(throwsError(
      [&] {
        update(table, stored.id, {{"Due", text("2023-02-29")}});
      },
      Expected{ErrorKind::kInvalidValue, "invalid_date", "Due"}));
  Record now = record(table, stored.id).value();
  EXPECT_EQ(now.values.at("Due"), text("2024-02-29"));
  EXPECT_EQ(now.version, 1);
}

TEST_F(FieldValues, EveryTypeIsStoredAndReadBackWithItsType) {
  Table table = createTable(test::spec(
      "All", {test::field("Text"), test::field("Number", FieldType::kNumber),
              test::field("Checkbox", FieldType::kCheckbox), test::field("Select", FieldType::kSelect, {"One", "Two"}),
              test::field("Email", FieldType::kEmail), test::field("Date", FieldType::kDate)}));
  Values values{{"Text", text("007")},   {"Number", number(-12.75)},         {"Checkbox", Value(false)},
                {"Select", text("Two")}, {"Email", text("ada@example.com")}, {"Date", text("2024-02-29")}};
  Record stored = insert(table, values);
  EXPECT_EQ(stored.values, values);
  EXPECT_EQ(record(table, stored.id).value().values, values);

  Record empty = insert(table, {});
  for (const Field& field : table.fields) EXPECT_TRUE(isNull(record(table, empty.id)->values.at(field.name)));
}

TEST_F(FieldValues, BigTextIsStoredWholeAndOversizedTextIsTooLarge) {
  Table table = createTable(test::spec("Notes", {test::field("Note")}));
  std::string big(100'000, 'y');
  Record stored = insert(table, {{"Note", text(big)}});
  EXPECT_EQ(record(table, stored.id)->values.at("Note"), text(big));
  EXPECT_TRUE(throwsError(
      [&] {
        insert(table, {{"Note", text(big + "y")}});
      },
      Expected{ErrorKind::kTooLarge, "value_too_large", "Note"}));
  EXPECT_EQ(total(table), 1);
}

// A CSV cell of the wrong shape is read, then refused when the change is applied.
TEST_F(FieldValues, CellsOfTheWrongShapeAreRefusedWhenStored) {
  Table table = createTable(
      test::spec("People", {test::field("Status", FieldType::kSelect, {"Active", "Inactive"}),
                            test::field("Email", FieldType::kEmail), test::field("Due", FieldType::kDate)}));
  auto store = [&](const std::string& name, const std::string& cell) {
    insert(table, {{name, Engine::parseValue(*table.field(name), cell)}});
  };
  EXPECT_TRUE(
      throwsError([&] { store("Status", "Gone"); }, Expected{ErrorKind::kInvalidValue, "invalid_option", "Status"}));
  EXPECT_TRUE(throwsError([&] { store("Email", "ada at example"); },
                          Expected{ErrorKind::kInvalidValue, "invalid_email", "Email"}));
  EXPECT_TRUE(
      throwsError([&] { store("Due", "2023-02-29"); }, Expected{ErrorKind::kInvalidValue, "invalid_date", "Due"}));
  EXPECT_EQ(total(table), 0);
  store("Status", " Inactive ");
  store("Due", "2024-02-29");
  EXPECT_EQ(total(table), 2);
}

}  // namespace
}  // namespace worktable::tables
