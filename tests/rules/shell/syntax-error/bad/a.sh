echo "$(
