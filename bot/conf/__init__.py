"""/conf: parsing a command, the answers, agendas."""
