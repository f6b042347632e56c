from nastavnik.cli import main

main()
