// Subcommand registration. Each Add*Command installs its callbacks on the app;
// the callbacks record the process exit code, read back by ExitCode().
#pragma once

#include <string>

namespace CLI {
class App;
}

namespace mamori::cli {

void AddReikiCommand(CLI::App& app);
void AddPackCommand(CLI::App& app);
void AddRegistryCommands(CLI::App& app);
void AddDecideCommand(CLI::App& app);
void AddLedgerCommand(CLI::App& app);
void AddCaseCommands(CLI::App& app);
void AddComplianceCommands(CLI::App& app);
void AddTrainingCommands(CLI::App& app);
void AddReportCommand(CLI::App& app);
void AddAuditCommands(CLI::App& app);
void AddParamCommands(CLI::App& app);
void AddServeCommand(CLI::App& app);
void AddAccountCommands(CLI::App& app);
// The database a command uses when --db is not given: $MAMORI_DB, else mamori.db.
std::string DefaultDb();
int ExitCode();
void SetExitCode(int code);

}  // namespace mamori::cli
